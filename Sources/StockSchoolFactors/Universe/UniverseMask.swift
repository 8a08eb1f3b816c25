/// Which cells of a stock-major panel column (`stocks × dates`) are inside the universe on their
/// date; research sets the others to NaN ("missing is explicit"), so a stock outside an index
/// that day gets no factor value, no IC contribution, no score and no buy.
public struct UniverseMask: Sendable, Equatable {
    public let stocks: Int
    public let dates: Int
    /// Stock-major, `stocks × dates`.
    public let member: [Bool]

    public init(stocks: Int, dates: Int, member: [Bool]) {
        precondition(member.count == stocks * dates, "a mask has one flag per stock and date")
        self.stocks = stocks
        self.dates = dates
        self.member = member
    }

    /// `values` with NaN in every cell outside the universe.
    public func apply(_ values: UnsafeBufferPointer<Double>) -> [Double] {
        var out = Array(values)
        apply(to: &out)
        return out
    }

    /// Sets every cell outside the universe to NaN.
    public func apply(to values: inout [Double]) {
        precondition(values.count == member.count, "the column's shape differs from the mask's")
        for i in values.indices where !member[i] { values[i] = .nan }
    }
}
