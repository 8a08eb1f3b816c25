/// A fixed-size, write-once column of plain values: the sample market's compact storage.
///
/// Concurrency: a column is filled only inside `SampleMarket.init`, where every stock's worker
/// writes exactly its own disjoint slice `[stock * days, (stock + 1) * days)` and every element of
/// it; `DispatchQueue.concurrentPerform` returns only after all workers finished, which orders all
/// writes before any read. After `init` nothing writes again, so concurrent reads from any thread
/// are race-free. That is why the `@unchecked Sendable` is sound.
final class SampleColumn<Element: BitwiseCopyable>: @unchecked Sendable {
    private let base: UnsafeMutablePointer<Element>
    let count: Int

    /// Allocates `count` uninitialised elements: the caller must write every one before reading.
    init(uninitializedCount count: Int) {
        self.count = count
        self.base = .allocate(capacity: Swift.max(count, 1))
    }

    deinit { base.deallocate() }

    @inline(__always)
    subscript(index: Int) -> Element { base[index] }

    /// Only during `SampleMarket.init`, and only inside the calling worker's own slice.
    @inline(__always)
    func set(_ index: Int, _ value: Element) { (base + index).initialize(to: value) }
}

/// A pointer to preallocated per-stock result slots, handed to the parallel workers.
///
/// Each worker initialises only the slot of its own stock index, and the buffer is read only
/// after `concurrentPerform` has joined all workers; hence `@unchecked Sendable`.
struct SampleSlots<Element>: @unchecked Sendable {
    let base: UnsafeMutablePointer<Element>

    func initialize(_ index: Int, to value: Element) { (base + index).initialize(to: value) }
}

/// The per-stock-day columns, stock-major: element `stock * dayCount + day`. 45 bytes per
/// stock-day.
struct SampleColumns: Sendable {
    /// 0 = not listed, 1 = listed but suspended, 2 = traded.
    let status: SampleColumn<UInt8>
    /// Prices in fen (0.01 CNY); 0 when the stock did not trade.
    let open: SampleColumn<Int32>
    let high: SampleColumn<Int32>
    let low: SampleColumn<Int32>
    let close: SampleColumn<Int32>
    let preClose: SampleColumn<Int32>
    /// 手 (lots of 100 shares).
    let vol: SampleColumn<Double>
    /// 千元 (thousands of CNY).
    let amount: SampleColumn<Double>
    /// Cumulative adjustment factor; 0 when not listed.
    let adj: SampleColumn<Double>

    init(count: Int) {
        status = SampleColumn(uninitializedCount: count)
        open = SampleColumn(uninitializedCount: count)
        high = SampleColumn(uninitializedCount: count)
        low = SampleColumn(uninitializedCount: count)
        close = SampleColumn(uninitializedCount: count)
        preClose = SampleColumn(uninitializedCount: count)
        vol = SampleColumn(uninitializedCount: count)
        amount = SampleColumn(uninitializedCount: count)
        adj = SampleColumn(uninitializedCount: count)
    }

    @inline(__always)
    func setTraded(
        _ i: Int, open o: Int32, high h: Int32, low l: Int32, close c: Int32, preClose p: Int32,
        vol v: Double, amount a: Double, adj f: Double
    ) {
        status.set(i, 2)
        open.set(i, o)
        high.set(i, h)
        low.set(i, l)
        close.set(i, c)
        preClose.set(i, p)
        vol.set(i, v)
        amount.set(i, a)
        adj.set(i, f)
    }

    /// A day without a bar: `status` 1 (suspended, `adj` kept) or 0 (not listed, `adj` 0).
    @inline(__always)
    func setIdle(_ i: Int, status s: UInt8, adj f: Double) {
        status.set(i, s)
        open.set(i, 0)
        high.set(i, 0)
        low.set(i, 0)
        close.set(i, 0)
        preClose.set(i, 0)
        vol.set(i, 0)
        amount.set(i, 0)
        adj.set(i, f)
    }
}
