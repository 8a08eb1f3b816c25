import Foundation
import StockSchoolResearch

/// Times daily-rebalanced top-50 and top-50-drop-5 backtests on a synthetic market, panel and
/// scores built beforehand (not timed).
func benchBacktest(stocks: Int, dates: Int) {
    let panel = syntheticPanel(stocks: stocks, dates: dates)
    let scores = syntheticScores(stocks: stocks, dates: dates)
    print("backtest: \(stocks) stocks × \(dates) dates, daily rebalance, close deal price")
    for strategy in [PortfolioStrategy.topN(50), .topKDropout(k: 50, drop: 5)] {
        let settings = BacktestSettings(strategy: strategy, rebalance: .daily, startIndex: 1)
        var last: BacktestResult?
        let timing = median(runs: 5) {
            do {
                last = try Backtester.run(panel: panel, scores: scores, settings: settings)
            } catch {
                print("backtest failed: \(error)")
                exit(1)
            }
        }
        let runs = timing.all.map { String(format: "%.3f", $0) }.joined(separator: " ")
        let name = strategy.description.padding(toLength: 16, withPad: " ", startingAt: 0)
        print("  \(name) median \(String(format: "%.3f", timing.median)) s  (runs: \(runs))")
        if let result = last {
            let rejected = result.trades.count(where: { $0.status == .rejected })
            print(
                String(
                    format: "    final NAV %.4f, %d trades (%d rejected), %d position rows, annual turnover %.1f",
                    result.nav.last ?? .nan, result.trades.count, rejected, result.positions.count,
                    result.metrics.annualTurnover ?? .nan))
        }
    }
}
