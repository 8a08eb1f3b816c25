import Foundation
import StockSchoolCore
import Testing

@testable import StockSchoolResearch

@Suite struct FactorAnalyzerTests {
    static func close(_ a: Double, _ b: Double, _ tolerance: Double = 1e-9) -> Bool {
        a.isNaN ? b.isNaN : abs(a - b) <= tolerance
    }

    static func panel(closes: [[Double]], limitUp: [[Double]]? = nil) throws -> TradingPanel {
        let dates = closes[0].count
        let close = closes.flatMap { $0 }
        let up = limitUp?.flatMap { $0 } ?? close.map { $0.isNaN ? .nan : .infinity }
        return try TradingPanel(
            tsCodes: closes.indices.map {
                (try? TSCode(String(format: "%06d.SZ", $0 + 1))) ?? TSCode(literal: "000001.SZ")
            },
            dates: (0..<dates).map { TradeDate(daysSinceEpoch: 19_000 + $0) }, open: close, close: close,
            adjFactor: close.map { _ in 1 }, limitUp: up, limitDown: close.map { $0.isNaN ? .nan : -.infinity },
            industries: closes.map { _ in nil })
    }

    /// Four stocks, four dates, horizon 1 from the close. Forward returns per date:
    /// t0: 0.1 0 −0.1 0.2 · t1: 0 0.2 0 0 · t2: 0 0 0.1 0 · t3: none (end of panel).
    /// Factor per date (stocks 0…3): t0: 4 1 2 3 · t1: 1 4 3 2 · t2: 1 2 4 3 · t3: — 1 2 3.
    @Test func tinyPanelByHand() throws {
        let panel = try Self.panel(closes: [[10, 11, 11, 11], [10, 10, 12, 12], [10, 9, 9, 9.9], [10, 12, 12, 12]])
        let returns = try ForwardReturns(panel: panel, horizons: [1], convention: .close)
        let evaluator = try FactorAnalyzer(forwardReturns: returns, quantiles: 2, minimumStocks: 2)
        let factor: [Double] = [4, 1, 1, .nan, 1, 4, 2, 1, 2, 3, 4, 2, 3, 2, 3, 3]
        let result = try evaluator.evaluate(factor)
        let h = try #require(result.horizons.first)

        // IC t0: f − 2.5 = 1.5 −1.5 −.5 .5, r − .05 = .05 −.05 −.15 .15: Σ = .3, Σf² = 5,
        // Σr² = .05 → .3/√.25 = 0.6. RankIC: return ranks 3 2 1 4 → Σ = 3 over √(5·5) → 0.6.
        // t1: f − 2.5 = −1.5 1.5 .5 −.5, r − .05 = −.05 .15 −.05 −.05: Σ = .3, Σr² = .03 → .3/√.15.
        //     return ranks 2 4 2 2 (three tied zeros share 2): Σ = 3, Σ² = 5 and 3 → 3/√15.
        // t2: f − 2.5 = −1.5 −.5 1.5 .5, r − .025 = −.025 −.025 .075 −.025: Σ = .15,
        //     Σr² = .0075 → .15/√.0375; return ranks 2 2 4 2 → 3/√15. Both equal √.6.
        let root = 0.6.squareRoot()
        for (got, want) in zip(h.ic, [0.6, root, root, .nan]) { #expect(Self.close(got, want), "IC \(got) ≠ \(want)") }
        for (got, want) in zip(h.rankIC, [0.6, root, root, .nan]) { #expect(Self.close(got, want)) }
        #expect(h.stockCounts == [4, 4, 4, 0])
        #expect(h.icSummary.days == 3 && Self.close(h.icSummary.mean, (0.6 + 2 * root) / 3))

        // Quantiles of 2 (edge at the interpolated median 2.5): t0 q1 = {1, 2}, q2 = {0, 3};
        // t1 q1 = {0, 3}, q2 = {1, 2}; t2 q1 = {0, 1}, q2 = {2, 3}. Demeaned means:
        // t0: (−.05, .15) − .05 → ∓.1; t1: (0, .1) − .05 → ∓.05; t2: (0, .05) − .025 → ∓.025.
        for (got, want) in zip(h.quantileReturns[0], [-0.1, -0.05, -0.025, .nan]) { #expect(Self.close(got, want)) }
        for (got, want) in zip(h.quantileReturns[1], [0.1, 0.05, 0.025, .nan]) { #expect(Self.close(got, want)) }
        #expect(Self.close(h.meanQuantileReturns[0], -0.175 / 3) && Self.close(h.meanQuantileReturns[1], 0.175 / 3))
        for (got, want) in zip(h.spread, [0.2, 0.1, 0.05, .nan]) { #expect(Self.close(got, want)) }
        #expect(Self.close(h.spreadSummary.mean, 0.35 / 3))
        // Daily rates are the returns themselves for h = 1; the curve stays flat without data.
        for (got, want) in zip(h.cumulativeQuantileReturns[1], [1.1, 1.155, 1.183875, 1.183875]) {
            #expect(Self.close(got, want))
        }
        for (got, want) in zip(h.cumulativeQuantileReturns[0], [0.9, 0.855, 0.833625, 0.833625]) {
            #expect(Self.close(got, want))
        }

        // Turnover: t1 q1 {0, 3} vs {1, 2} → 1; t2 q1 {0, 1} vs {0, 3} → ½ (mean ¾);
        // q2: t1 {1, 2} vs {0, 3} → 1; t2 {2, 3} vs {1, 2} → ½ (mean ¾).
        #expect(Self.close(h.turnover[0], 0.75) && Self.close(h.turnover[1], 0.75))
        // Rank autocorrelation: t1 ranks 1 4 3 2 vs t0's 4 1 2 3 → −1; t2 1 2 4 3 vs t1 →
        // (2.25 − .75 + .75 − .25)/5 = 0.4; t3 has no returns, so no ranks.
        for (got, want) in zip(h.rankAutocorrelation, [.nan, -1, 0.4, .nan]) { #expect(Self.close(got, want)) }
        #expect(Self.close(h.meanRankAutocorrelation, -0.3))
        // 16 traded cells, one without a factor value.
        #expect(result.coverage == 15.0 / 16)
        #expect(Self.close(result.icDecay[0], h.icSummary.mean))
    }

    /// RankIC ranks returns within V, where a stock outside V (no factor value) ties with two
    /// inside it. Six stocks, horizon 1 from the close; date 0's returns: .1 0 0 .2 −.1 0, the
    /// factor: 5 1 — 6 2 3. Within V the return ranks are 4 2.5 · 5 1 2.5 and the factor's
    /// 4 1 · 5 2 3; less 3: (1, 1) (−2, −.5) (2, 2) (−1, −2) (0, −.5): Σ = 8, Σ² = 10 and 9.5.
    @Test func rankICRanksReturnsWithinTheValidSet() throws {
        let panel = try Self.panel(closes: [[10, 11], [10, 10], [10, 10], [10, 12], [10, 9], [10, 10]])
        let returns = try ForwardReturns(panel: panel, horizons: [1], convention: .close)
        let evaluator = try FactorAnalyzer(forwardReturns: returns, quantiles: 2, minimumStocks: 2)
        let factor: [Double] = [5, .nan, 1, .nan, .nan, .nan, 6, .nan, 2, .nan, 3, .nan]
        let h = try #require(try evaluator.evaluate(factor).horizons.first)
        #expect(h.stockCounts == [5, 0])
        #expect(Self.close(h.rankIC[0], 8 / 95.0.squareRoot(), 1e-12), "RankIC \(h.rankIC[0])")
    }

    @Test func minimumStocksSkipsThinDates() throws {
        let panel = try Self.panel(closes: [[10, 11, 11], [10, 10, 12], [10, 9, 9]])
        let returns = try ForwardReturns(panel: panel, horizons: [1], convention: .close)
        let result = try FactorAnalyzer(forwardReturns: returns, quantiles: 2, minimumStocks: 4)
            .evaluate([1, 2, 3, 2, 3, 1, 3, 1, 2])
        #expect(result.horizons[0].ic.allSatisfy { $0.isNaN })
        #expect(result.horizons[0].quantileReturns[0].allSatisfy { $0.isNaN })
        #expect(throws: StockSchoolError.self) { try FactorAnalyzer(forwardReturns: returns, quantiles: 1) }
        #expect(throws: StockSchoolError.self) {
            try FactorAnalyzer(forwardReturns: returns, quantiles: 2).evaluate([1, 2])
        }
    }

    /// Doubled ranks are kept in 16 bits: a panel one stock over the limit is refused with the
    /// reason, one at the limit is evaluated.
    @Test func refusesMoreStocksThanRanksHold() throws {
        func panel(stocks: Int) throws -> TradingPanel {
            try Self.panel(closes: (0..<stocks).map { [10, 10 + Double($0 % 7), 11] })
        }
        let limit = ForwardReturns.maximumStocks
        #expect(limit == 32_767)
        let over = try panel(stocks: limit + 1)
        #expect {
            try ForwardReturns(panel: over, horizons: [1], convention: .close)
        } throws: { error in
            "\(error)".contains("--universe") && "\(error)".contains("32768")
        }
        let atLimit = try ForwardReturns(panel: try panel(stocks: limit), horizons: [1], convention: .close)
        let result = try FactorAnalyzer(forwardReturns: atLimit).evaluate(
            (0..<(limit * 3)).map { Double(($0 / 3) % 1_000) })
        #expect(result.horizons[0].stockCounts[0] == limit)
        #expect(result.horizons[0].rankIC[0].isFinite)
    }

    /// A pseudo-random market (`stocks` × 60 dates) with suspensions and limit-up closes.
    static func market(stocks: Int = 30) throws -> TradingPanel {
        var state: UInt64 = 0x1234_5678_9ABC_DEF1
        func uniform() -> Double {
            state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
            return Double(state >> 11) / Double(1 << 53)
        }
        var closes: [[Double]] = []
        var limits: [[Double]] = []
        for _ in 0..<stocks {
            var price = 10.0
            var close: [Double] = []
            var limit: [Double] = []
            for _ in 0..<60 {
                let up = (price * 1.1 * 100).rounded() / 100
                if uniform() < 0.05 {
                    close.append(.nan)
                    limit.append(.nan)
                    continue
                }
                price = uniform() < 0.05 ? up : ((price * (0.93 + 0.14 * uniform())) * 100).rounded() / 100
                close.append(price)
                limit.append(up)
            }
            closes.append(close)
            limits.append(limit)
        }
        return try panel(closes: closes, limitUp: limits)
    }

    /// The fast path (shared ranks, sorted once) against the plain definitions, per date, with a
    /// factor that has gaps where stocks traded (so returns are re-ranked within V: from their
    /// ranks within T when up to four stocks are missing, else afresh). Thirty stocks with a
    /// coarse factor (ties everywhere) and eighty with distinct values (sorted on 16-bit keys,
    /// some of them shared, so ties are looked for and not found). Five horizons fill one group
    /// of return lanes and start a second; near the panel's end they stop sharing V, so walks
    /// start inside a group.
    @Test(arguments: [(30, true), (80, false)])
    func matchesPlainDefinitionsWithGaps(stocks: Int, coarse: Bool) throws {
        let panel = try Self.market(stocks: stocks)
        let returns = try ForwardReturns(panel: panel, horizons: [1, 2, 3, 5, 7], convention: .next)
        let evaluator = try FactorAnalyzer(forwardReturns: returns, quantiles: 3, minimumStocks: 5)
        let dates = panel.dateCount
        let factor = (0..<(stocks * dates)).map { cell -> Double in
            guard cell % 7 != 3 else { return .nan }
            return coarse ? Double((cell * 7_919) % 23) - 11 : sin(Double(cell) * 1.7) * 100
        }
        if !coarse { #expect(Set(factor.filter { !$0.isNaN }).count == factor.filter { !$0.isNaN }.count) }
        let result = try evaluator.evaluate(factor)
        for (k, evaluation) in result.horizons.enumerated() {
            for date in 0..<dates {
                let f = (0..<stocks).map { factor[$0 * dates + date] }
                let r = (0..<stocks).map { returns.value(horizonIndex: k, stock: $0, date: date) }
                let n = zip(f, r).filter { $0.isFinite && $1.isFinite }.count
                #expect(evaluation.stockCounts[date] == n)
                guard n >= 5 else {
                    #expect(evaluation.ic[date].isNaN)
                    continue
                }
                #expect(Self.close(evaluation.ic[date], Statistics.pearson(f, r), 1e-12))
                #expect(Self.close(evaluation.rankIC[date], Statistics.spearman(f, r), 1e-12))
                let valid = f.indices.filter { f[$0].isFinite && r[$0].isFinite }
                let labels = Statistics.quantileLabels(valid.map { f[$0] }, quantiles: 3)
                let mean = valid.map { r[$0] }.reduce(0, +) / Double(valid.count)
                for q in 1...3 {
                    let members = valid.indices.filter { labels[$0] == q }.map { r[valid[$0]] }
                    let expected = members.isEmpty ? Double.nan : members.reduce(0, +) / Double(members.count) - mean
                    #expect(Self.close(evaluation.quantileReturns[q - 1][date], expected, 1e-12))
                }
            }
        }
    }

    /// Horizons whose tradable sets differ (forward returns on prices never make them differ
    /// except by emptying, but a return set may): horizon 0 alone, 1 and 2 together from lane
    /// 1 of the first group of return lanes, 3 alone from its last lane, 4 in the second group.
    /// Every horizon's IC, RankIC and quantile returns against the plain definitions.
    @Test func horizonsWithDifferentTradableSetsStartInsideALaneGroup() throws {
        let stocks = 40
        let panel = try Self.market(stocks: stocks)
        let dates = panel.dateCount
        var state: UInt64 = 0x0DDB_1A5E_5BAD_5EED
        func uniform() -> Double {
            state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
            return Double(state >> 11) / Double(1 << 53)
        }
        let returns: [[Double]] = (0..<5).map { k in
            (0..<(stocks * dates)).map { cell in
                let noise = uniform() - 0.5
                return (k == 1 || k == 2) && (cell / dates) % 5 == 1 ? .nan : noise
            }
        }
        let factor = (0..<(stocks * dates)).map { cell in cell % 13 == 4 ? .nan : sin(Double(cell) * 0.37) }
        let crossSections = CrossSections(panel: panel, returns: returns)
        #expect(crossSections.sameSetAsPrevious[1 * dates + 10] == 0)
        #expect(crossSections.sameSetAsPrevious[2 * dates + 10] == 1)
        #expect(crossSections.sameSetAsPrevious[3 * dates + 10] == 0)
        let result = factor.withUnsafeBufferPointer { values -> FactorEvaluation? in
            guard let base = values.baseAddress else { return nil }
            let pass = EvaluationPass(
                crossSections: crossSections, horizons: [1, 2, 3, 4, 5], quantiles: 3, minimumStocks: 5, factor: base)
            return pass.run(convention: .close, dates: panel.dates)
        }
        let evaluation = try #require(result)
        for k in 0..<5 {
            for date in 0..<dates {
                let f = (0..<stocks).map { factor[$0 * dates + date] }
                let r = (0..<stocks).map { returns[k][$0 * dates + date] }
                let valid = f.indices.filter { f[$0].isFinite && r[$0].isFinite }
                #expect(evaluation.horizons[k].stockCounts[date] == valid.count)
                #expect(Self.close(evaluation.horizons[k].ic[date], Statistics.pearson(f, r), 1e-12))
                #expect(Self.close(evaluation.horizons[k].rankIC[date], Statistics.spearman(f, r), 1e-12))
                let labels = Statistics.quantileLabels(valid.map { f[$0] }, quantiles: 3)
                let mean = valid.map { r[$0] }.reduce(0, +) / Double(valid.count)
                for q in 1...3 {
                    let members = valid.indices.filter { labels[$0] == q }.map { r[valid[$0]] }
                    let expected = members.reduce(0, +) / Double(members.count) - mean
                    #expect(Self.close(evaluation.horizons[k].quantileReturns[q - 1][date], expected, 1e-12))
                }
            }
        }
    }

    /// Turnover and rank autocorrelation (computed in the first pass for most dates, in the
    /// second for the first dates of each chunk) against their plain definitions, with five
    /// horizons (two groups of horizons walked together), ties and gaps; evaluating other factors
    /// in between must not leak into the result (the buffers are reused). Thirty stocks with 4
    /// quantiles, and 203 (four words of membership bits, rows that end inside a vector, blocks
    /// of label counts) with 12, which counts kept quantiles by histogram instead.
    @Test(arguments: [(30, 4), (203, 12)])
    func laggedStatisticsMatchPlainDefinitions(stocks: Int, quantiles: Int) throws {
        let panel = try Self.market(stocks: stocks)
        let horizons = [1, 2, 3, 5, 8]
        let returns = try ForwardReturns(panel: panel, horizons: horizons, convention: .close)
        let evaluator = try FactorAnalyzer(forwardReturns: returns, quantiles: quantiles, minimumStocks: 6)
        let dates = panel.dateCount
        let factor = (0..<(stocks * dates)).map { cell -> Double in
            cell % 11 == 5 ? .nan : Double((cell * 4_919) % 17) / 4  // ties and gaps
        }
        let first = try evaluator.evaluate(factor)
        _ = try evaluator.evaluate(factor.map { $0.isNaN ? 1 : -$0 })
        let result = try evaluator.evaluate(factor)
        for (k, horizon) in horizons.enumerated() {
            let evaluation = result.horizons[k]
            #expect(evaluation.ic.elementsEqual(first.horizons[k].ic) { Self.close($0, $1, 0) })
            #expect(evaluation.turnover.elementsEqual(first.horizons[k].turnover) { Self.close($0, $1, 0) })
            // Per date: the valid stocks, their factor ranks and their quantile labels.
            let perDate = (0..<dates).map { date -> (ranks: [Double], labels: [Int?]) in
                let f = (0..<stocks).map { stock -> Double in
                    let r = returns.value(horizonIndex: k, stock: stock, date: date)
                    return r.isFinite ? factor[stock * dates + date] : .nan
                }
                guard f.filter({ !$0.isNaN }).count >= 6 else {
                    return ([Double](repeating: .nan, count: stocks), [Int?](repeating: nil, count: stocks))
                }
                return (Statistics.averageRanks(f), Statistics.quantileLabels(f, quantiles: quantiles))
            }
            var turnoverSums = [Double](repeating: 0, count: quantiles)
            var turnoverDays = [Int](repeating: 0, count: quantiles)
            for date in horizon..<dates {
                let now = perDate[date]
                let before = perDate[date - horizon]
                let expected = Statistics.pearson(now.ranks, before.ranks)
                #expect(Self.close(evaluation.rankAutocorrelation[date], expected, 1e-12))
                for q in 1...quantiles {
                    let members = (0..<stocks).filter { now.labels[$0] == q }
                    guard !members.isEmpty, before.labels.contains(q) else { continue }
                    let fresh = members.filter { before.labels[$0] != q }.count
                    turnoverSums[q - 1] += Double(fresh) / Double(members.count)
                    turnoverDays[q - 1] += 1
                }
            }
            for q in 0..<quantiles {
                let expected = turnoverDays[q] > 0 ? turnoverSums[q] / Double(turnoverDays[q]) : .nan
                #expect(Self.close(evaluation.turnover[q], expected, 1e-12))
            }
        }
    }

    @Test func invariants() throws {
        let panel = try Self.market()
        let returns = try ForwardReturns(panel: panel, horizons: [1, 5], convention: .close)
        let evaluator = try FactorAnalyzer(forwardReturns: returns, quantiles: 5, minimumStocks: 10)
        // The factor that is the 1-day forward return itself ranks stocks exactly by it.
        let oracle = try evaluator.evaluate(returns.values[0])
        let oracleDays = oracle.horizons[0].rankIC.filter { !$0.isNaN }
        #expect(oracleDays.count > 40)
        #expect(oracleDays.allSatisfy { abs($0 - 1) < 1e-12 })
        #expect(oracle.horizons[0].ic.filter { !$0.isNaN }.allSatisfy { abs($0 - 1) < 1e-12 })
        #expect(oracle.horizons[0].meanQuantileReturns[4] > oracle.horizons[0].meanQuantileReturns[0])

        let dates = panel.dateCount
        let factor = (0..<(30 * dates)).map { Double(($0 * 2_654_435_761) % 1_000) / 100 - 5 }
        let base = try evaluator.evaluate(factor)
        let negated = try evaluator.evaluate(factor.map { -$0 })
        let cubed = try evaluator.evaluate(factor.map { $0 * $0 * $0 + 7 })
        for k in 0..<2 {
            for date in 0..<dates {
                let ic = base.horizons[k].ic[date]
                #expect(Self.close(negated.horizons[k].ic[date], -ic, 1e-12))
                #expect(Self.close(negated.horizons[k].rankIC[date], -base.horizons[k].rankIC[date], 1e-12))
                // A monotone transform keeps ranks, quantiles and everything built on them.
                #expect(Self.close(cubed.horizons[k].rankIC[date], base.horizons[k].rankIC[date], 1e-12))
                #expect(Self.close(cubed.horizons[k].spread[date], base.horizons[k].spread[date], 1e-15))
                #expect(
                    Self.close(
                        cubed.horizons[k].rankAutocorrelation[date], base.horizons[k].rankAutocorrelation[date], 1e-15))
            }
            #expect(cubed.horizons[k].turnover == base.horizons[k].turnover)
        }
    }
}
