import Foundation
import StockSchoolCore
import StockSchoolStore
import StockSchoolTestSupport
import Testing

@testable import StockSchoolFactors

/// Point-in-time index universes: a stock counts on date t when it is in the latest snapshot dated
/// on or before t; outside, its factor values are NaN, inside they equal the unmasked values.
@Suite struct IndexUniverseTests {
    static let index = TSCode(literal: "000300.SH")
    static let a = TSCode(literal: "600000.SH")
    static let b = TSCode(literal: "600001.SH")
    static let c = TSCode(literal: "600002.SH")
    static let d = TSCode(literal: "600003.SH")
    /// Eight trading days, Monday 2024-01-08 to Wednesday 2024-01-17.
    static let days = [20240108, 20240109, 20240110, 20240111, 20240112, 20240115, 20240116, 20240117].map {
        TradeDate(unchecked: Int32($0))
    }
    /// Snapshot 1 on day 2 (A and B), snapshot 2 on Saturday 2024-01-13, in force from day 5 (B and C).
    /// D is never a member.
    static let snapshots = [
        IndexWeight(indexCode: index, conCode: a, tradeDate: days[2], weight: 60),
        IndexWeight(indexCode: index, conCode: b, tradeDate: days[2], weight: 40),
        IndexWeight(indexCode: index, conCode: b, tradeDate: TradeDate(unchecked: 2024_01_13), weight: 30),
        IndexWeight(indexCode: index, conCode: c, tradeDate: TradeDate(unchecked: 2024_01_13), weight: 70),
    ]

    static func bars() -> [DailyBar] {
        [a, b, c, d].enumerated().flatMap { s, code in
            days.enumerated().map { k, date in
                let close = 10 + Double(s) + Double(k * k) / 10
                return DailyBar(
                    tsCode: code, tradeDate: date, open: close, high: close + 0.1, low: close - 0.1, close: close,
                    preClose: nil, change: nil, pctChg: nil, vol: 1000, amount: close * 100)
            }
        }
    }

    /// The factor's value per stock and date, computed by a `FactorJob` over `universe`.
    func values(
        _ store: any MarketStore, universe: StockUniverse, start: TradeDate, end: TradeDate,
        expression: String = "Mean($close, 3) / Ref($close, 1)"
    ) async throws -> [TSCode: [TradeDate: Double]] {
        let formula = try FactorJob.formula(expression: expression)
        let job = FactorJob(factors: [("F", formula)], start: start, end: end, universe: universe)
        var shape: FactorJob.Shape?
        var out: [TSCode: [TradeDate: Double]] = [:]
        try await job.run(store: store) {
            shape = $0
        } consume: { _, column in
            guard let shape else { return }
            for (s, code) in shape.tsCodes.enumerated() {
                for (k, date) in shape.dates.enumerated() {
                    out[code, default: [:]][date] = column[s * shape.dates.count + k]
                }
            }
        }
        return out
    }

    @Test(arguments: TestBackend.available)
    func valuesOutsideTheMembershipAreNaNAndInsideUnchanged(_ backend: TestBackend) async throws {
        try await TestStore.with(backend) { (store: any MarketStore) async throws in
            try await store.upsert(Self.bars())
            try await store.upsert(Self.snapshots)
            let (start, end) = (Self.days[0], Self.days[7])
            let masked = try await values(store, universe: .index(Self.index), start: start, end: end)
            let all = try await values(store, universe: .all, start: start, end: end)
            // The panel holds the members of some day of the range, never D.
            #expect(Set(masked.keys) == [Self.a, Self.b, Self.c])
            let expected: [TSCode: Set<Int>] = [Self.a: [2, 3, 4], Self.b: [2, 3, 4, 5, 6, 7], Self.c: [5, 6, 7]]
            for (code, members) in expected {
                for (k, date) in Self.days.enumerated() {
                    let value = try #require(masked[code]?[date])
                    if members.contains(k) {
                        let unmasked = try #require(all[code]?[date])
                        #expect(value == unmasked && !value.isNaN, "\(code) \(date)")
                    } else {
                        #expect(value.isNaN, "\(code) \(date) is outside the index")
                    }
                }
            }
            // C's first member day uses its history from before it joined (a warm window).
            #expect(masked[Self.c]?[Self.days[5]] == all[Self.c]?[Self.days[5]])

            // A range starting between snapshots takes the one in force at its start.
            let later = try await values(store, universe: .index(Self.index), start: Self.days[3], end: Self.days[4])
            #expect(Set(later.keys) == [Self.a, Self.b])
            #expect(later.values.allSatisfy { $0.values.allSatisfy { !$0.isNaN } })
        }
    }

    /// `CSRank` ranks each date among that date's members (closes rise with the stock's position,
    /// so B and C rank 1/2 and 2/2 among themselves, 2/4 and 3/4 among all four).
    @Test func crossSectionsRankAmongTheDaysMembers() async throws {
        try await TestStore.with(.sqlite) { (store: any MarketStore) async throws in
            try await store.upsert(Self.bars())
            try await store.upsert(Self.snapshots)
            let (start, end) = (Self.days[0], Self.days[7])
            let ranked = try await values(
                store, universe: .index(Self.index), start: start, end: end, expression: "CSRank($close)")
            let all = try await values(store, universe: .all, start: start, end: end, expression: "CSRank($close)")
            #expect(ranked[Self.a]?[Self.days[3]] == 0.5 && ranked[Self.b]?[Self.days[3]] == 1)
            #expect(ranked[Self.b]?[Self.days[6]] == 0.5 && ranked[Self.c]?[Self.days[6]] == 1)
            #expect(ranked[Self.a]?[Self.days[6]]?.isNaN == true)
            #expect(all[Self.b]?[Self.days[6]] == 0.5 && all[Self.c]?[Self.days[6]] == 0.75)
            // A time series over ranks reads the ranks of the days it spans, each among its members.
            let smoothed = try await values(
                store, universe: .index(Self.index), start: start, end: end, expression: "Mean(CSRank($close), 2)")
            #expect(smoothed[Self.b]?[Self.days[5]] == 0.75)  // (1 + 0.5) / 2
        }
    }

    @Test func anIndexWithoutConstituentsTellsTheUserToSyncThem() async throws {
        try await TestStore.with(.sqlite) { (store: any MarketStore) async throws in
            try await store.upsert(Self.bars())
            let error = await #expect(throws: StockSchoolError.self) {
                _ = try await values(store, universe: .index(Self.index), start: Self.days[0], end: Self.days[7])
            }
            #expect(error?.description.contains("stockschool sync --datasets index_weight") == true)
            #expect(error?.description.contains("000300.SH") == true)

            try await store.upsert(Self.snapshots)
            let early = await #expect(throws: StockSchoolError.self) {
                _ = try await values(store, universe: .index(Self.index), start: Self.days[0], end: Self.days[1])
            }
            #expect(early?.description.contains("after \(Self.days[1])") == true)
        }
    }

    @Test func membershipIsTheLatestSnapshotOnOrBeforeTheDate() throws {
        let membership = IndexMembership(indexCode: Self.index, rows: Self.snapshots)
        #expect(membership.snapshots.map(\.date) == [Self.days[2], TradeDate(unchecked: 2024_01_13)])
        #expect(membership.members(on: Self.days[1]).isEmpty)
        #expect(membership.members(on: Self.days[2]) == [Self.a, Self.b])
        #expect(membership.members(on: Self.days[4]) == [Self.a, Self.b])
        #expect(membership.members(on: TradeDate(unchecked: 2024_01_13)) == [Self.b, Self.c])
        #expect(membership.members(on: Self.days[7]) == [Self.b, Self.c])
        #expect(membership.stocks(from: Self.days[0], through: Self.days[1]) == [])
        #expect(membership.stocks(from: Self.days[3], through: Self.days[4]) == [Self.a, Self.b])
        #expect(membership.stocks(from: Self.days[3], through: Self.days[7]) == [Self.a, Self.b, Self.c])
        let mask = membership.mask(tsCodes: [Self.a, Self.d], dates: [Self.days[1], Self.days[2], Self.days[5]])
        #expect(mask.member == [false, true, false, false, false, false])
        var column = [1.0, 2, 3, 4, 5, 6]
        mask.apply(to: &column)
        #expect(column.enumerated().allSatisfy { $0.offset == 1 ? $0.element == 2 : $0.element.isNaN })
    }

    @Test(arguments: [
        ("all", StockUniverse.all),
        ("index:000300.SH", .index(TSCode(literal: "000300.SH"))),
        ("600000.SH, 000001.SZ", .codes([TSCode(literal: "600000.SH"), TSCode(literal: "000001.SZ")])),
    ])
    func universesParse(_ text: String, _ expected: StockUniverse) throws {
        #expect(try StockUniverse(parsing: text) == expected)
    }

    @Test(arguments: [("index:XYZ", "'XYZ'"), ("index:", "''"), ("600000.SH,BAD", "'BAD'"), ("", "''")])
    func badUniversesNameTheBadPart(_ text: String, _ named: String) {
        #expect(throws: StockSchoolError.self) { try StockUniverse(parsing: text) }
        do {
            _ = try StockUniverse(parsing: text)
        } catch {
            #expect(error.description.contains(named), "\(error)")
        }
    }
}
