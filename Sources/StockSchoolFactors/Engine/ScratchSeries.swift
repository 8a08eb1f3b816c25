/// One thread's recycled series buffers (one stock's dates each) for a pass's intermediates:
/// a handful are live at a time, so they stay in cache and nothing is allocated per stock.
struct ScratchSeries {
    let dates: Int
    private var free: [UnsafeMutableBufferPointer<Double>] = []
    private var all: [UnsafeMutableBufferPointer<Double>] = []

    init(dates: Int) { self.dates = dates }

    mutating func take() -> UnsafeMutableBufferPointer<Double> {
        if let buffer = free.popLast() { return buffer }
        let buffer = UnsafeMutableBufferPointer<Double>.allocate(capacity: dates)
        all.append(buffer)
        return buffer
    }

    mutating func give(_ buffer: UnsafeMutableBufferPointer<Double>) { free.append(buffer) }

    /// Frees every buffer handed out; none may be used afterwards.
    mutating func deallocateAll() {
        for buffer in all { buffer.deallocate() }
        all = []
        free = []
    }
}
