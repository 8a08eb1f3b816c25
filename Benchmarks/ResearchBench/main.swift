// Times the research engine on synthetic panels, apart from loading and factor computation.
// Run: swift run -c release ResearchBench evaluate|backtest [stocks] [dates]
import Foundation

let arguments = CommandLine.arguments.dropFirst()
let command = arguments.first ?? "help"
let numbers = arguments.dropFirst().compactMap { Int($0) }
switch command {
case "evaluate": benchEvaluate(stocks: numbers.first ?? 800, dates: numbers.dropFirst().first ?? 3400)
case "backtest": benchBacktest(stocks: numbers.first ?? 5000, dates: numbers.dropFirst().first ?? 2500)
default:
    print("usage: ResearchBench evaluate [stocks=800] [dates=3400] | backtest [stocks=5000] [dates=2500]")
    exit(command == "help" ? 0 : 2)
}

/// Median of several timed runs, in seconds.
func median(runs: Int = 5, _ body: () -> Void) -> (median: Double, all: [Double]) {
    var times: [Double] = []
    for _ in 0..<runs {
        let start = DispatchTime.now().uptimeNanoseconds
        body()
        times.append(Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9)
    }
    let sorted = times.sorted()
    return (sorted[sorted.count / 2], times)
}
