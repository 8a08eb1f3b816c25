import NIOCore

/// The data structure behind `MemoryCache`: a hash map into a doubly linked recency list, both
/// O(1), with a byte count kept alongside.
///
/// Nodes live in one array and link by index, and freed slots are reused, so the list costs no
/// allocation per entry and no reference counting. Not thread-safe; `MemoryCache` holds it under
/// a lock.
struct LRUStorage {
    struct Limits {
        let maximumEntries: Int
        let maximumBytes: Int
    }

    private struct Node {
        var key: String
        var value: ByteBuffer
        var expires: ContinuousClock.Instant
        /// Toward the most recently used end; `-1` at the head.
        var newer: Int
        /// Toward the least recently used end; `-1` at the tail.
        var older: Int
        var cost: Int { key.utf8.count + value.readableBytes }
    }

    let limits: Limits
    private var nodes: [Node] = []
    private var freeSlots: [Int] = []
    private var slots: [String: Int] = [:]
    /// Most recently used.
    private var head = -1
    /// Least recently used: the next to evict.
    private var tail = -1
    /// Sum of key and value bytes of the live entries (the payload; bookkeeping is extra).
    private(set) var totalBytes = 0

    init(limits: Limits) {
        self.limits = limits
    }

    var count: Int { slots.count }

    /// The value for `key` unless absent or expired at `now`; a hit becomes the most recent entry,
    /// an expired entry is dropped on the spot.
    mutating func value(for key: String, now: ContinuousClock.Instant) -> ByteBuffer? {
        guard let slot = slots[key] else { return nil }
        guard nodes[slot].expires > now else {
            remove(slot: slot)
            return nil
        }
        moveToFront(slot)
        return nodes[slot].value
    }

    /// Stores `value` as the most recent entry, then evicts least recently used entries until
    /// both limits hold. A value that alone exceeds the byte limit is not stored, and any older
    /// value of its key is dropped (serving the stale one would be wrong).
    mutating func insert(_ value: ByteBuffer, for key: String, expires: ContinuousClock.Instant) {
        if let slot = slots[key] { remove(slot: slot) }
        let cost = key.utf8.count + value.readableBytes
        guard cost <= limits.maximumBytes, limits.maximumEntries > 0 else { return }
        let node = Node(key: key, value: value, expires: expires, newer: -1, older: head)
        let slot: Int
        if let free = freeSlots.popLast() {
            slot = free
            nodes[slot] = node
        } else {
            slot = nodes.count
            nodes.append(node)
        }
        if head >= 0 { nodes[head].newer = slot }
        head = slot
        if tail < 0 { tail = slot }
        slots[key] = slot
        totalBytes += cost
        while count > limits.maximumEntries || totalBytes > limits.maximumBytes, tail >= 0, tail != slot {
            remove(slot: tail)
        }
    }

    mutating func removeAll() {
        nodes = []
        freeSlots = []
        slots = [:]
        head = -1
        tail = -1
        totalBytes = 0
    }

    private mutating func moveToFront(_ slot: Int) {
        guard slot != head else { return }
        unlink(slot)
        nodes[slot].newer = -1
        nodes[slot].older = head
        if head >= 0 { nodes[head].newer = slot }
        head = slot
        if tail < 0 { tail = slot }
    }

    private mutating func remove(slot: Int) {
        unlink(slot)
        totalBytes -= nodes[slot].cost
        slots[nodes[slot].key] = nil
        // Release the payload now; the slot itself waits for reuse.
        nodes[slot].key = ""
        nodes[slot].value = ByteBuffer()
        freeSlots.append(slot)
    }

    /// Takes `slot` out of the recency list, joining its neighbours.
    private mutating func unlink(_ slot: Int) {
        let newer = nodes[slot].newer
        let older = nodes[slot].older
        if newer >= 0 { nodes[newer].older = older } else { head = older }
        if older >= 0 { nodes[older].newer = newer } else { tail = newer }
    }
}
