import StockSchoolCore
import Testing

@testable import StockSchoolResearch

/// A hand-built market of three stocks over six dates; every expected return is written out.
///
/// - A: raw closes 10 11 12 6.5 7 7.5 with adj_factor 1 1 1 2 2 2 (a 2-for-1 split on date 3), so
///   adjusted closes are 10 11 12 13 14 15.
/// - B: closes 10 11 11.5 12 12.5 13, limit-up 11 on date 1 (closes at limit-up there).
/// - C: closes 20 21 — — 22 24, suspended on dates 2 and 3.
@Suite struct ForwardReturnsTests {
    static func panel() throws -> TradingPanel {
        let nan = Double.nan
        let close: [Double] = [10, 11, 12, 6.5, 7, 7.5, 10, 11, 11.5, 12, 12.5, 13, 20, 21, nan, nan, 22, 24]
        let adj: [Double] = [1, 1, 1, 2, 2, 2, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1]
        var limitUp = close.map { $0.isNaN ? Double.nan : 100 }
        limitUp[6 + 1] = 11
        return try TradingPanel(
            tsCodes: [TSCode(literal: "600000.SH"), TSCode(literal: "600001.SH"), TSCode(literal: "600002.SH")],
            dates: (2..<8).map { TradeDate(unchecked: Int32(2024_01_00 + $0)) }, open: close, close: close,
            adjFactor: adj, limitUp: limitUp, limitDown: close.map { $0.isNaN ? Double.nan : 1 },
            industries: [nil, nil, nil])
    }

    static func expectReturns(_ actual: ForwardReturns, horizon k: Int, stock: Int, _ expected: [Double]) {
        for (date, value) in expected.enumerated() {
            let got = actual.value(horizonIndex: k, stock: stock, date: date)
            #expect(
                value.isNaN ? got.isNaN : abs(got - value) < 1e-12,
                "horizon \(actual.horizons[k]) stock \(stock) date \(date): \(got) ≠ \(value)")
        }
    }

    @Test func closeConvention() throws {
        let returns = try ForwardReturns(panel: Self.panel(), horizons: [1, 2], convention: .close)
        let nan = Double.nan
        // A: adjusted 10…15 across the split; the last h dates have no exit yet.
        Self.expectReturns(
            returns, horizon: 0, stock: 0, [11 / 10 - 1, 12 / 11 - 1, 13 / 12 - 1, 14 / 13 - 1, 15 / 14 - 1, nan])
        Self.expectReturns(
            returns, horizon: 1, stock: 0, [12 / 10 - 1, 13 / 11 - 1, 14 / 12 - 1, 15 / 13 - 1, nan, nan])
        // B: entry on date 1 is at limit-up, so no return starts there.
        Self.expectReturns(returns, horizon: 0, stock: 1, [0.1, nan, 12 / 11.5 - 1, 12.5 / 12 - 1, 13 / 12.5 - 1, nan])
        Self.expectReturns(returns, horizon: 1, stock: 1, [0.15, nan, 12.5 / 11.5 - 1, 13 / 12 - 1, nan, nan])
        // C: date 0, h = 2 exits on suspended date 2 → marked at date 1's close (stale price);
        // date 1 exits on suspended dates 2 and 3, with no bar after entry → the entry price, 0;
        // no bar on dates 2, 3 → nothing to buy.
        Self.expectReturns(returns, horizon: 0, stock: 2, [0.05, 0, nan, nan, 24 / 22 - 1, nan])
        Self.expectReturns(returns, horizon: 1, stock: 2, [0.05, 0, nan, nan, nan, nan])
        #expect(returns.limitUpAtEntry == [0, 1, 0, 0, 0, 0])
        #expect(returns.suspendedAtEntry == [0, 0, 0, 0, 0, 0])
    }

    @Test func nextConvention() throws {
        let returns = try ForwardReturns(panel: Self.panel(), horizons: [1, 2], convention: .next)
        let nan = Double.nan
        // A: entry one date later, close(t+1) → close(t+1+h).
        Self.expectReturns(
            returns, horizon: 0, stock: 0, [12 / 11 - 1, 13 / 12 - 1, 14 / 13 - 1, 15 / 14 - 1, nan, nan])
        Self.expectReturns(returns, horizon: 1, stock: 0, [13 / 11 - 1, 14 / 12 - 1, 15 / 13 - 1, nan, nan, nan])
        // B: factor date 0 enters on date 1, at limit-up → excluded and counted on date 0.
        Self.expectReturns(returns, horizon: 0, stock: 1, [nan, 12 / 11.5 - 1, 12.5 / 12 - 1, 13 / 12.5 - 1, nan, nan])
        // C: date 0 enters on date 1 (21) and cannot exit on 2 or 3 → 0. Date 1 would enter on
        // suspended date 2 → excluded and counted (C traded on date 1). Date 2 would enter on
        // date 3, also suspended, but C had no bar on date 2 either, so it is not counted.
        // Date 3 would enter on date 4 (22), but C has no bar on date 3 itself: no signal, no
        // return.
        Self.expectReturns(returns, horizon: 0, stock: 2, [0, nan, nan, nan, nan, nan])
        Self.expectReturns(returns, horizon: 1, stock: 2, [0, nan, nan, nan, nan, nan])
        #expect(returns.limitUpAtEntry == [1, 0, 0, 0, 0, 0])
        #expect(returns.suspendedAtEntry == [0, 1, 0, 0, 0, 0])
    }

    @Test func rejectsBadHorizons() throws {
        let panel = try Self.panel()
        for horizons in [[], [0], [1, -5], [5, 5]] {
            #expect(throws: StockSchoolError.self) {
                try ForwardReturns(panel: panel, horizons: horizons, convention: .close)
            }
        }
        do {
            _ = try ForwardReturns(panel: panel, horizons: [0], convention: .next)
            Issue.record("horizon 0 accepted")
        } catch {
            if case .invalidArgument(let name, _) = error {
                #expect(name == "--horizons")
            } else {
                Issue.record("wrong error \(error)")
            }
        }
    }
}
