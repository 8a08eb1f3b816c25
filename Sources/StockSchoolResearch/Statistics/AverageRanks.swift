extension Statistics {
    /// 1-based ranks where tied values share the average of the ranks they span, as scipy's
    /// `rankdata` and pandas' `rank(method="average")` assign them: `[10, 20, 20, 30]` ranks
    /// `[1, 2.5, 2.5, 4]`.
    ///
    /// Average ranks keep Spearman's correlation symmetric under ties: any other tie rule would
    /// make the result depend on the order stocks happen to be listed in. NaN entries stay NaN and
    /// the others are ranked among themselves (pandas' `na_option="keep"`).
    public static func averageRanks(_ values: [Double]) -> [Double] {
        var ranks = [Double](repeating: .nan, count: values.count)
        var entries = values.indices.filter { !values[$0].isNaN }.map {
            CrossSectionSort.Entry(value: values[$0], index: UInt32($0))
        }
        let scratch = CrossSectionSort.Scratch(capacity: entries.count)
        entries.withUnsafeMutableBufferPointer { entries in
            scratch.sort(entries.baseAddress, count: entries.count)
            CrossSectionSort.forEachTieGroup(entries.baseAddress, count: entries.count) { range, rank in
                for position in range { ranks[Int(entries[position].index)] = rank }
            }
        }
        return ranks
    }
}
