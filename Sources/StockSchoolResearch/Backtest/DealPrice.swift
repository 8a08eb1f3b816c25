/// Which of the day's prices an order executes at.
///
/// `.close` is Qlib's default: scores are known after the close of t and the orders fill at the
/// close of t + 1, a full day later, so no order can see the price it trades at before deciding.
/// `.open` trades at t + 1's open instead, the earliest a real desk could act.
public enum DealPrice: String, Codable, Sendable, CaseIterable {
    case close
    case open
}
