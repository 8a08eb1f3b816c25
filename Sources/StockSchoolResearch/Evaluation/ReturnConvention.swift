/// When a forward return starts: at the close of the factor's date, or a day later.
///
/// A factor value for date t is known only after t's close, so a strategy can first trade at
/// t+1: `next` (Qlib's label `Ref($close, -h-1) / Ref($close, -1) - 1`) is the return a trader could
/// actually earn; `close` is Alphalens' textbook definition. Reports say which one they used.
public enum ReturnConvention: String, CaseIterable, Sendable, Codable {
    /// close(t) → close(t+h).
    case close
    /// close(t+1) → close(t+1+h), Qlib's T+1 label.
    case next

    /// How many dates after the factor's date the position is entered.
    public var entryOffset: Int { self == .next ? 1 : 0 }
}
