/// Times evaluating synthetic factors against forward returns (filled in with the evaluation code).
func benchEvaluate(stocks: Int, dates: Int) {
    print("evaluate: not implemented yet")
}
