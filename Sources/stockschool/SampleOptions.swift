import ArgumentParser
import StockSchoolCore
import StockSchoolSync

/// The simulated market's shape, shared by `sync --source sample` and `demo`.
struct SampleOptions: ParsableArguments {
    @Option(help: ArgumentHelp("Number of simulated stocks (default 300, or sample.stocks).", valueName: "n"))
    var stocks: Int?

    @Option(help: ArgumentHelp("First date, YYYYMMDD (default 20200102, or sample.start).", valueName: "yyyymmdd"))
    var start: TradeDate?

    @Option(help: ArgumentHelp("Last date, YYYYMMDD (default 20241231, or sample.end).", valueName: "yyyymmdd"))
    var end: TradeDate?

    @Option(help: ArgumentHelp("Random seed: the same seed gives the same market (default 42).", valueName: "s"))
    var seed: UInt64?

    func validate() throws {
        if let stocks, stocks < 1 || stocks > 20_000 {
            throw ValidationError("--stocks must be between 1 and 20000, got \(stocks)")
        }
        if let start, let end, start > end {
            throw ValidationError("--start \(start) is after --end \(end)")
        }
    }

    func market(_ configuration: StockSchoolConfiguration) throws -> SampleMarketConfiguration {
        let market = SampleMarketConfiguration(
            stocks: stocks ?? configuration.sampleStocks, start: start ?? configuration.sampleStart,
            end: end ?? configuration.sampleEnd, seed: seed ?? configuration.sampleSeed)
        guard market.start <= market.end else {
            throw StockSchoolError.invalidDateRange(start: market.start, end: market.end)
        }
        return market
    }
}
