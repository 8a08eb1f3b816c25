extension RandomAccessCollection where Element: Comparable, Index == Int {
    /// In an ascending collection, the first index whose element is not less than `value`.
    public func lowerBound(of value: Element) -> Int {
        var lo = startIndex
        var hi = endIndex
        while lo < hi {
            let mid = (lo + hi) / 2
            if self[mid] < value { lo = mid + 1 } else { hi = mid }
        }
        return lo
    }

    /// In an ascending collection, the first index whose element is greater than `value`.
    public func upperBound(of value: Element) -> Int {
        var lo = startIndex
        var hi = endIndex
        while lo < hi {
            let mid = (lo + hi) / 2
            if self[mid] <= value { lo = mid + 1 } else { hi = mid }
        }
        return lo
    }
}
