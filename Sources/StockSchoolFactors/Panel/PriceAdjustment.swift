/// How prices are adjusted for splits and dividends (TUSHARE.md, `adj_factor`).
public enum PriceAdjustment: String, Sendable, CaseIterable {
    /// Forward-adjusted (前复权): price × adj_factor / the stock's last adj_factor in the panel,
    /// so the latest prices are the traded ones and history moves when a new ex-date arrives.
    case qfq
    /// Backward-adjusted (后复权): price × adj_factor; history never moves.
    case hfq
    /// As traded.
    case none
}
