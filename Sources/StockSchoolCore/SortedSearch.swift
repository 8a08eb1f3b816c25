extension RandomAccessCollection where Index == Int {
    /// The first index whose element is not in the prefix where `inPrefix` holds (binary search;
    /// `inPrefix` must be true for a prefix of the collection and false after it).
    public func partitionPoint(_ inPrefix: (Element) throws -> Bool) rethrows -> Int {
        var lo = startIndex
        var hi = endIndex
        while lo < hi {
            let mid = (lo + hi) / 2
            if try inPrefix(self[mid]) { lo = mid + 1 } else { hi = mid }
        }
        return lo
    }
}

extension RandomAccessCollection where Element: Comparable, Index == Int {
    /// In an ascending collection, the first index whose element is not less than `value`.
    public func lowerBound(of value: Element) -> Int { partitionPoint { $0 < value } }

    /// In an ascending collection, the first index whose element is greater than `value`.
    public func upperBound(of value: Element) -> Int { partitionPoint { $0 <= value } }
}
