/// What `factors compute --summary` prints per factor: how many cells have a value, the share
/// missing, and the distribution of the rest (±∞ counted separately, so a division by zero shows).
public struct FactorSummary: Sendable, Equatable, Encodable {
    public var name: String
    public var cells: Int
    public var values: Int
    public var nanShare: Double
    public var infinities: Int
    public var mean: Double?
    public var std: Double?
    public var min: Double?
    public var max: Double?

    /// In parallel chunks (see `SummaryAccumulator`).
    public init(name: String, values column: [Double]) {
        self = column.withUnsafeBufferPointer { FactorSummary(name: name, values: $0) }
    }

    /// See `init(name:values:)`.
    public init(name: String, values column: UnsafeBufferPointer<Double>) {
        let chunks = Swift.max(1, Swift.min(Parallel.cores * 4, column.count / 65_536))
        var partials = [SummaryAccumulator](repeating: SummaryAccumulator(), count: chunks)
        partials.withUnsafeMutableBufferPointer { out in
            Parallel.forEachChunk(chunks, minimumChunk: 1) { range in
                for chunk in range {
                    let piece = (column.count * chunk / chunks)..<(column.count * (chunk + 1) / chunks)
                    out[chunk].add(UnsafeBufferPointer(rebasing: column[piece]))
                }
            }
        }
        var total = SummaryAccumulator()
        for partial in partials { total.merge(partial) }
        self.init(name: name, total)
    }

    init(name: String, _ total: SummaryAccumulator) {
        let n = total.count
        self.name = name
        self.cells = total.cells
        self.values = n
        self.infinities = total.infinities
        self.nanShare = total.cells == 0 ? 0 : Double(total.cells - n - total.infinities) / Double(total.cells)
        self.mean = n > 0 ? total.mean : nil
        self.std = n > 1 ? (total.squares / Double(n - 1)).squareRoot() : nil
        self.min = n > 0 ? total.low : nil
        self.max = n > 0 ? total.high : nil
    }
}
