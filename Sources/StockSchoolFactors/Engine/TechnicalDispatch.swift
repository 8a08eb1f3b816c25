/// The per-stock computation of a classic indicator (`Technical`), with its periods bound.
enum TechnicalDispatch {
    typealias Kernel = @Sendable (_ inputs: [[Double]]) -> [Double]

    static func kernel(_ op: FormulaOperator, _ parameters: [Double]) -> Kernel? {
        let p = parameters.map { Int($0) }
        @Sendable func period(_ k: Int) -> Int { k < p.count ? p[k] : 1 }
        let compute: Kernel
        switch op {
        case .taSMA: compute = { Technical.sma($0[0], period: period(0)) }
        case .taEMA: compute = { Technical.ema($0[0], period: period(0)) }
        case .taWMA: compute = { Technical.wma($0[0], period: period(0)) }
        case .taRSI: compute = { Technical.rsi($0[0], period: period(0)) }
        case .taROC: compute = { Technical.roc($0[0], period: period(0)) }
        case .taMOM: compute = { Technical.mom($0[0], period: period(0)) }
        case .volatility: compute = { Technical.volatility($0[0], period: period(0)) }
        case .volumeRatio: compute = { Technical.volumeRatio($0[0], period: period(0)) }
        case .taATR: compute = { Technical.atr(high: $0[0], low: $0[1], close: $0[2], period: period(0)) }
        case .taNATR: compute = { Technical.natr(high: $0[0], low: $0[1], close: $0[2], period: period(0)) }
        case .taWILLR: compute = { Technical.willr(high: $0[0], low: $0[1], close: $0[2], period: period(0)) }
        case .taCCI: compute = { Technical.cci(high: $0[0], low: $0[1], close: $0[2], period: period(0)) }
        case .taMFI:
            compute = { Technical.mfi(high: $0[0], low: $0[1], close: $0[2], volume: $0[3], period: period(0)) }
        case .taOBV: compute = { Technical.obv(close: $0[0], volume: $0[1]) }
        case .taMACD, .taMACDSignal, .taMACDHist, .macdBar:
            compute = { series in
                let m = Technical.macd(
                    series[0], fastPeriod: period(0), slowPeriod: period(1), signalPeriod: period(2))
                switch op {
                case .taMACD: return m.macd
                case .taMACDSignal: return m.signal
                case .taMACDHist: return m.hist
                default: return m.hist.map { 2 * $0 }
                }
            }
        case .taBBUpper, .taBBMiddle, .taBBLower:
            let k = parameters.count > 1 ? parameters[1] : 2
            compute = { series in
                let b = Technical.bbands(series[0], period: period(0), nbdevUp: k, nbdevDn: k)
                return op == .taBBUpper ? b.upper : (op == .taBBMiddle ? b.middle : b.lower)
            }
        case .taStochK, .taStochD:
            compute = { s in
                let st = Technical.stoch(
                    high: s[0], low: s[1], close: s[2], fastK: period(0), slowK: period(1), slowD: period(2))
                return op == .taStochK ? st.slowK : st.slowD
            }
        case .kdjK, .kdjD, .kdjJ:
            compute = { s in
                let kdj = Technical.kdj(high: s[0], low: s[1], close: s[2], n: period(0), m1: period(1), m2: period(2))
                return op == .kdjK ? kdj.k : (op == .kdjD ? kdj.d : kdj.j)
            }
        default:
            return nil
        }
        return compute
    }
}
