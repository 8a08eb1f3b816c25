import Synchronization

/// A monotonic clock that moves only when told.
final class HandClock: Sendable {
    private let nanoseconds: Mutex<UInt64>

    init(start: UInt64) { nanoseconds = Mutex(start) }

    var now: @Sendable () -> UInt64 { { [self] in nanoseconds.withLock { $0 } } }

    func advance(by delta: UInt64) { nanoseconds.withLock { $0 += delta } }
}
