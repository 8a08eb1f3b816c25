/// One output's summary per stock, filled by the threads of a pass (each its own stocks) and
/// merged after it.
final class SummaryColumn: @unchecked Sendable {
    // @unchecked: written only at each thread's own stocks during a pass, read after it.
    let partials: UnsafeMutableBufferPointer<SummaryAccumulator>

    init(stocks: Int) {
        partials = .allocate(capacity: stocks)
        partials.initialize(repeating: SummaryAccumulator())
    }

    deinit {
        partials.deinitialize()
        partials.deallocate()
    }
}
