import Foundation
import Testing

@testable import StockSchoolCore

/// Next fire times computed by hand in Beijing time (UTC+8, no daylight saving), written here
/// in UTC: a schedule evaluated in the wrong zone is off by eight hours and fails every case.
@Suite struct CronScheduleTests {
    func at(_ iso: String) throws -> Timestamp {
        try #require(Timestamp(iso8601: iso))
    }

    func next(_ expression: String, after iso: String) throws -> String? {
        try CronSchedule(expression).next(after: at(iso))?.iso8601
    }

    @Test(arguments: [
        // The default sync schedule on Friday 2024-01-05, 18:00 Beijing: 18:30 the same day.
        ("30 18 * * 1-5", "2024-01-05T10:00:00Z", "2024-01-05T10:30:00Z"),
        // Strictly after: at Friday's fire time the next is Monday's (the weekend is skipped).
        ("30 18 * * 1-5", "2024-01-05T10:30:00Z", "2024-01-08T10:30:00Z"),
        // 08:00 Beijing on 1 March: 07:30 has passed there (though not in UTC), so 2 March.
        ("30 7 * * *", "2024-03-01T00:00:00Z", "2024-03-01T23:30:00Z"),
        // The 31st after 31 January: February has none, so 31 March.
        ("0 9 31 * *", "2024-01-31T02:00:00Z", "2024-03-31T01:00:00Z"),
        // 29 February after 2024's: 2028 (a Tuesday).
        ("0 0 29 2 *", "2024-03-01T00:00:00Z", "2028-02-28T16:00:00Z"),
        // New Year in Beijing is still 31 December in UTC.
        ("0 0 1 1 *", "2024-12-31T15:59:00Z", "2024-12-31T16:00:00Z"),
        // Steps within an hour range: after 11:50 the next is 09:00 the following day.
        ("*/15 9-11 * * *", "2024-01-02T03:50:00Z", "2024-01-03T01:00:00Z"),
        ("*/15 9-11 * * *", "2024-01-02T03:00:00Z", "2024-01-02T03:15:00Z"),
        // Day of month and day of week both restricted: either fires (Vixie cron). From
        // Tuesday 2 January the first is Monday the 8th; from Monday 29 January, Thursday 1 Feb.
        ("0 12 1 * 1", "2024-01-02T00:00:00Z", "2024-01-08T04:00:00Z"),
        ("0 12 1 * 1", "2024-01-29T05:00:00Z", "2024-02-01T04:00:00Z"),
        // Sunday is 0 and 7; names work.
        ("0 10 * * 7", "2024-01-01T00:00:00Z", "2024-01-07T02:00:00Z"),
        ("0 10 * * sun", "2024-01-01T00:00:00Z", "2024-01-07T02:00:00Z"),
        ("0 10 * feb mon", "2024-01-01T00:00:00Z", "2024-02-05T02:00:00Z"),
        // Lists and `a/n`.
        ("5,35 8/6 * * *", "2024-01-01T00:40:00Z", "2024-01-01T06:05:00Z"),
    ])
    func nextFireTimeInBeijing(_ expression: String, _ after: String, _ expected: String) throws {
        #expect(try next(expression, after: after) == expected)
    }

    @Test(arguments: [
        ("61 * * * *", "minute"),
        ("* 24 * * *", "hour"),
        ("* * 0 * *", "day-of-month"),
        ("* * * 13 *", "month"),
        ("* * * * 8", "day-of-week"),
        ("*/0 * * * *", "minute"),
        ("5-1 * * * *", "minute"),
        ("x * * * *", "minute"),
        ("1,,2 * * * *", "minute"),
        ("* * * foo *", "month"),
        ("0 0 31 2 *", "day-of-month"),
        ("0 0 31 4,6 *", "day-of-month"),
        ("* * *", "expression"),
        ("* * * * * *", "expression"),
    ])
    func invalidExpressionsNameTheField(_ expression: String, _ field: String) {
        #expect(throws: CronSchedule.ParseError.self) { try CronSchedule(expression) }
        do {
            _ = try CronSchedule(expression)
        } catch {
            #expect(error.field == field, "\(expression): \(error)")
        }
    }

    @Test func fireTimesListsAWindowInOrder() throws {
        let cron = try CronSchedule("0 */6 * * *")
        let times = cron.fireTimes(after: try at("2024-01-01T00:00:00Z"), through: try at("2024-01-02T00:00:00Z"))
        // 00, 06, 12, 18 Beijing = 16, 22, 04, 10 UTC.
        #expect(
            times.map(\.iso8601) == [
                "2024-01-01T04:00:00Z", "2024-01-01T10:00:00Z", "2024-01-01T16:00:00Z", "2024-01-01T22:00:00Z",
            ])
    }

    @Test func anotherZoneShiftsTheFireTime() throws {
        let utc = try #require(TimeZone(identifier: "UTC"))
        let cron = try CronSchedule("30 18 * * *", timeZone: utc)
        #expect(cron.next(after: try at("2024-01-05T10:00:00Z"))?.iso8601 == "2024-01-05T18:30:00Z")
    }

    @Test func theWorkerKeysHaveTheDocumentedDefaults() throws {
        let worker = try StockSchoolConfiguration.load(yaml: nil, environment: [:]).worker
        #expect(worker.syncSchedule?.expression == "30 18 * * 1-5")
        #expect(worker.factorsSchedule?.expression == "30 19 * * 1-5")
        #expect(worker.metricsPort == 9091)
        #expect(worker.retries == 3)
        #expect(worker.retryDelay == 60)
        #expect(worker.leaseSeconds == 60)
    }

    @Test func workerKeysComeFromFileAndEnvironment() throws {
        let yaml = """
            worker:
              sync_schedule: "0 20 * * mon-fri"
              factors_schedule: "off"
              retries: 5
            """
        let c = try StockSchoolConfiguration.load(
            yaml: yaml, environment: ["STOCKSCHOOL_WORKER_LEASE_SECONDS": "10", "STOCKSCHOOL_WORKER_METRICS_PORT": "0"])
        #expect(c.worker.syncSchedule?.expression == "0 20 * * mon-fri")
        #expect(c.worker.factorsSchedule == nil)
        #expect(c.worker.retries == 5)
        #expect(c.worker.leaseSeconds == 10)
        #expect(c.worker.metricsPort == 0)
    }

    @Test func anInvalidScheduleIsAConfigurationErrorNamingKeyAndField() {
        do {
            _ = try StockSchoolConfiguration.load(
                yaml: "worker:\n  sync_schedule: \"30 25 * * 1-5\"\n", environment: [:])
            Issue.record("expected an error")
        } catch {
            #expect(error.description.contains("worker.sync_schedule"), "\(error)")
            #expect(error.description.contains("hour field"), "\(error)")
            #expect(error.description.contains("line 2"), "\(error)")
        }
        do {
            _ = try StockSchoolConfiguration.load(
                yaml: nil, environment: ["STOCKSCHOOL_WORKER_FACTORS_SCHEDULE": "30 19 * *"])
            Issue.record("expected an error")
        } catch {
            #expect(error.description.contains("worker.factors_schedule"), "\(error)")
            #expect(error.description.contains("STOCKSCHOOL_WORKER_FACTORS_SCHEDULE"), "\(error)")
            #expect(error.description.contains("5 fields"), "\(error)")
        }
    }
}
