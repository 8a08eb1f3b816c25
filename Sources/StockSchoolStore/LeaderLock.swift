/// A lock that at most one process holds, and that frees itself when its holder dies: how one of
/// several workers becomes the leader that runs the schedule.
///
/// Leadership is best-effort exclusive, not a fence: a leader learns it lost the lock only at its
/// next `hold()`, so two processes may both act as leader for up to one poll interval. What a
/// leader does is therefore idempotent (a fire time is enqueued once, by a unique key; alert
/// transitions have one winner in the store).
public protocol LeaderLock: Sendable {
    /// Takes the lock if it is free, or confirms it is still held by this process. False when
    /// another process holds it, or when the lock cannot be reached (then it is not ours either).
    func hold() async -> Bool

    /// Gives the lock up, if held.
    func release() async
}
