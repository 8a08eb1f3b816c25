import Foundation
import StockSchoolCore

/// An alert as stored in `alerts`: the alert plus its bookkeeping.
public struct AlertRecord: Sendable, Equatable {
    public var id: Int64
    public var alert: Alert
    public var updatedAt: Timestamp
    public var lastNotifiedAt: Timestamp?
    /// Times it was sent (firing notices, repeats); a resolved notice goes only to alerts that
    /// were sent at least once.
    public var notifications: Int64
    public var silenced: Bool

    public var fingerprint: String { alert.fingerprint }
}
