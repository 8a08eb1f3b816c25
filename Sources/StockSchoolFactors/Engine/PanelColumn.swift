/// A panel-sized `Double` array at a stable address, which the threads of an evaluation pass
/// read (a field, a cross-sectional result) or fill stock by stock (an output), each thread
/// touching only its own stocks' cells.
final class PanelColumn: @unchecked Sendable {
    // @unchecked: written only in disjoint per-stock ranges during a pass, read after it.
    let buffer: UnsafeMutableBufferPointer<Double>

    /// Uninitialised: every cell is written by the pass that fills it.
    init(count: Int) {
        buffer = .allocate(capacity: count)
    }

    convenience init(copying values: [Double]) {
        self.init(count: values.count)
        _ = buffer.initialize(from: values)
    }

    deinit { buffer.deallocate() }

    var values: UnsafeBufferPointer<Double> { UnsafeBufferPointer(buffer) }

    /// One stock's series of a stock-major column.
    func series(_ stock: Int, dates: Int) -> UnsafeMutableBufferPointer<Double> {
        UnsafeMutableBufferPointer(rebasing: buffer[(stock * dates)..<((stock + 1) * dates)])
    }
}
