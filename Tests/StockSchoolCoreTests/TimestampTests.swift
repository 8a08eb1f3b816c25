import Testing

@testable import StockSchoolCore

@Suite struct TimestampTests {
    @Test func formatsKnownInstants() {
        #expect(Timestamp(secondsSinceEpoch: 0).iso8601 == "1970-01-01T00:00:00Z")
        // 1,700,000,000 s after the epoch is 2023-11-14 22:13:20 UTC.
        #expect(Timestamp(secondsSinceEpoch: 1_700_000_000).iso8601 == "2023-11-14T22:13:20Z")
        #expect(Timestamp(secondsSinceEpoch: 1_700_000_000.25).iso8601 == "2023-11-14T22:13:20.250000Z")
    }

    @Test func parsesWhatBothDatabasesPrint() {
        #expect(Timestamp(iso8601: "2023-11-14T22:13:20Z")?.secondsSinceEpoch == 1_700_000_000)
        #expect(Timestamp(iso8601: "2023-11-14 22:13:20+00")?.secondsSinceEpoch == 1_700_000_000)
        #expect(Timestamp(iso8601: "2023-11-14T22:13:20.5Z")?.secondsSinceEpoch == 1_700_000_000.5)
        #expect(Timestamp(iso8601: "2023-02-30T00:00:00Z") == nil)
        #expect(Timestamp(iso8601: "2023-11-14T22:13:20+08:00") == nil)
    }
}
