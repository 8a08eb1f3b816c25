import StockSchoolCore

/// What a day's quality check knows about the days before it.
public struct QualityContext: Sendable, Equatable {
    /// Stocks with a row of the same dataset on the previous open day; `nil` when that day is not
    /// in the store.
    public var previousCodes: Set<TSCode>?
    /// Median row count of the same dataset over up to `trailingDays` earlier synced days.
    public var trailingMedian: Double?
    /// `daily` only: the `pre_close` each stock should have, for stocks whose previous close and
    /// both adjustment factors are known; stocks not in it are not checked for continuity.
    public var expectedPreClose: [TSCode: Double]

    public static let trailingDays = 20

    public init(
        previousCodes: Set<TSCode>? = nil, trailingMedian: Double? = nil, expectedPreClose: [TSCode: Double] = [:]
    ) {
        self.previousCodes = previousCodes
        self.trailingMedian = trailingMedian
        self.expectedPreClose = expectedPreClose
    }
}
