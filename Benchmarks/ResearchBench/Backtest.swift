/// Times a daily-rebalanced top-50 backtest (filled in with the backtester).
func benchBacktest(stocks: Int, dates: Int) {
    print("backtest: not implemented yet")
}
