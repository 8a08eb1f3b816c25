import Testing

@testable import StockSchoolFactors

/// Every indicator column of `ta_vectors.csv` (TA-Lib 0.8.2 on a fixed 400-bar series) reproduced
/// to 1e-9 relative, NaN exactly where TA-Lib has NaN.
@Suite("TA-Lib reference vectors")
struct TALibVectorTests {
    /// Each reference column with the call that should reproduce it.
    static let cases: [(column: String, compute: @Sendable (TAVectors) -> [Double])] = [
        ("sma20", { Technical.sma($0.close, period: 20) }),
        ("ema20", { Technical.ema($0.close, period: 20) }),
        ("wma20", { Technical.wma($0.close, period: 20) }),
        ("rsi14", { Technical.rsi($0.close, period: 14) }),
        ("roc10", { Technical.roc($0.close, period: 10) }),
        ("mom10", { Technical.mom($0.close, period: 10) }),
        ("atr14", { Technical.atr(high: $0.high, low: $0.low, close: $0.close, period: 14) }),
        ("natr14", { Technical.natr(high: $0.high, low: $0.low, close: $0.close, period: 14) }),
        ("willr14", { Technical.willr(high: $0.high, low: $0.low, close: $0.close, period: 14) }),
        ("cci14", { Technical.cci(high: $0.high, low: $0.low, close: $0.close, period: 14) }),
        ("mfi14", { Technical.mfi(high: $0.high, low: $0.low, close: $0.close, volume: $0.volume, period: 14) }),
        ("obv", { Technical.obv(close: $0.close, volume: $0.volume) }),
        ("macd", { Technical.macd($0.close, fastPeriod: 12, slowPeriod: 26, signalPeriod: 9).macd }),
        ("macd_signal", { Technical.macd($0.close, fastPeriod: 12, slowPeriod: 26, signalPeriod: 9).signal }),
        ("macd_hist", { Technical.macd($0.close, fastPeriod: 12, slowPeriod: 26, signalPeriod: 9).hist }),
        ("bb_upper", { Technical.bbands($0.close, period: 20, nbdevUp: 2, nbdevDn: 2).upper }),
        ("bb_middle", { Technical.bbands($0.close, period: 20, nbdevUp: 2, nbdevDn: 2).middle }),
        ("bb_lower", { Technical.bbands($0.close, period: 20, nbdevUp: 2, nbdevDn: 2).lower }),
        ("stoch_k_9_3_3", { Technical.stoch(high: $0.high, low: $0.low, close: $0.close, fastK: 9).slowK }),
        ("stoch_d_9_3_3", { Technical.stoch(high: $0.high, low: $0.low, close: $0.close, fastK: 9).slowD }),
    ]

    @Test("reproduces the column", arguments: cases.map(\.column))
    func column(_ name: String) throws {
        let vectors = try TAVectors.load()
        let compute = try #require(Self.cases.first { $0.column == name }).compute
        let expected = try vectors(name)
        #expect(expected.count == 400)
        expectClose(compute(vectors), expected, name)
    }

    /// The warm-ups documented in the doc comments (TA-Lib lookbacks), checked against the CSV's
    /// empty cells independently of the values.
    @Test func warmUpLengthsMatchTheLookbacks() throws {
        let vectors = try TAVectors.load()
        let lookbacks: [String: Int] = [
            "sma20": 19, "ema20": 19, "wma20": 19, "rsi14": 14, "roc10": 10, "mom10": 10, "atr14": 14,
            "natr14": 14, "willr14": 13, "cci14": 13, "mfi14": 14, "obv": 0, "macd": 33, "macd_signal": 33,
            "macd_hist": 33, "bb_upper": 19, "bb_middle": 19, "bb_lower": 19, "stoch_k_9_3_3": 12,
            "stoch_d_9_3_3": 12,
        ]
        for (name, lookback) in lookbacks {
            #expect(firstValue(try vectors(name)) == lookback, "\(name)")
        }
        for (name, compute) in Self.cases {
            #expect(firstValue(compute(vectors)) == lookbacks[name], "\(name)")
        }
    }

    @Test func bollingerMiddleIsTheSMA() throws {
        let vectors = try TAVectors.load()
        let bands = Technical.bbands(vectors.close, period: 20)
        expectIdentical(bands.middle[...], Technical.sma(vectors.close, period: 20)[...], "middle")
    }

    /// TA-Lib's default parameters are the Swift defaults.
    @Test func defaultsAreTALibs() throws {
        let v = try TAVectors.load()
        #expect(firstValue(Technical.sma(v.close)) == 29)
        #expect(firstValue(Technical.ema(v.close)) == 29)
        #expect(firstValue(Technical.wma(v.close)) == 29)
        #expect(firstValue(Technical.rsi(v.close)) == 14)
        #expect(firstValue(Technical.roc(v.close)) == 10)
        #expect(firstValue(Technical.mom(v.close)) == 10)
        #expect(firstValue(Technical.bbands(v.close).upper) == 4)
        #expect(firstValue(Technical.stoch(high: v.high, low: v.low, close: v.close).slowD) == 8)
        expectClose(Technical.macd(v.close).hist, try v("macd_hist"), "default macd")
        expectClose(Technical.atr(high: v.high, low: v.low, close: v.close), try v("atr14"), "default atr")
        expectClose(Technical.cci(high: v.high, low: v.low, close: v.close), try v("cci14"), "default cci")
    }
}
