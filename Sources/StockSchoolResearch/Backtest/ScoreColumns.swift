/// One date's scores across all stocks, read from the stock-major score array.
///
/// Scores arrive stock-major (`scores[stock * dates + date]`, like every panel), but selection
/// needs a date's cross-section: read directly, each of 5,000 reads would land on its own cache
/// line and page. This transposes blocks of ``blockSize`` dates at a time into a small reused
/// buffer (reading each stock's 64 consecutive values in one go), so the whole backtest reads
/// the score array once, sequentially, whatever the rebalance frequency.
struct ScoreColumns {
    static let blockSize = 64

    /// Valid while the backtest runs (`Backtester.run` holds the array or buffer it came from).
    let scores: UnsafeBufferPointer<Double>
    let stocks: Int
    let dates: Int
    private var buffer: [Double]
    private var blockStart = -1

    init(scores: UnsafeBufferPointer<Double>, stocks: Int, dates: Int) {
        self.scores = scores
        self.stocks = stocks
        self.dates = dates
        buffer = [Double](repeating: .nan, count: stocks * Self.blockSize)
    }

    /// Calls `body` with the scores of `date`, one per stock.
    mutating func withColumn<R>(_ date: Int, _ body: (UnsafeBufferPointer<Double>) -> R) -> R {
        let start = date - date % Self.blockSize
        if start != blockStart { load(blockStart: start) }
        let offset = (date - start) * stocks
        return buffer.withUnsafeBufferPointer { all in
            body(UnsafeBufferPointer(rebasing: all[offset..<(offset + stocks)]))
        }
    }

    private mutating func load(blockStart start: Int) {
        blockStart = start
        let width = Swift.min(Self.blockSize, dates - start)
        let stocks = stocks
        let dates = dates
        let source = scores
        buffer.withUnsafeMutableBufferPointer { target in
            for stock in 0..<stocks {
                let row = stock * dates + start
                for offset in 0..<width { target[offset * stocks + stock] = source[row + offset] }
            }
        }
    }
}
