/// Makes `count` arrays of `cells` doubles each and lets `fill` write them through their buffers
/// in one loop, with nothing written before: on a whole-market panel (12.5M cells a column) a
/// `repeating:` fill or a copy-on-write copy is a full extra pass over hundreds of megabytes.
/// `fill` must write every cell of every column.
enum FreshColumns {
    static func make(
        _ count: Int, cells: Int, fill: ([UnsafeMutableBufferPointer<Double>]) throws -> Void
    ) rethrows -> [[Double]] {
        try make(count, cells: cells, buffers: [], fill: fill)
    }

    /// Each array's storage is only reachable inside its initialiser, so the columns nest.
    private static func make(
        _ count: Int, cells: Int, buffers: [UnsafeMutableBufferPointer<Double>],
        fill: ([UnsafeMutableBufferPointer<Double>]) throws -> Void
    ) rethrows -> [[Double]] {
        guard buffers.count < count else {
            try fill(buffers)
            return []
        }
        var rest: [[Double]] = []
        let column = try [Double](unsafeUninitializedCapacity: cells) { buffer, initialized in
            rest = try make(count, cells: cells, buffers: buffers + [buffer], fill: fill)
            initialized = cells
        }
        return [column] + rest
    }
}
