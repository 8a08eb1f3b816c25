import Foundation
import StockSchoolTestSupport
import Testing

/// `stockschool factors`, run as a user would, on the demo store (SQLite and PostgreSQL).
@Suite struct FactorsCLITests {
    struct Summary: Decodable {
        let name: String
        let values: Int
        let infinities: Int
        let mean: Double?
        let std: Double?
    }

    struct Computed: Decodable {
        let stocks: Int
        let dates: Int
        let factors: Int
        let summaries: [Summary]?
    }

    @Test(arguments: TestBackend.available)
    func alpha158OnTheDemoStore(_ backend: TestBackend) async throws {
        let test = try await TestStore.make(backend, migrate: false)
        do {
            try await computeOnDemo(url: test.url)
        } catch {
            await test.tearDown()
            throw error
        }
        await test.tearDown()
    }

    func computeOnDemo(url: String) async throws {
        let directory = try CLITests.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let demo = try await CLITests.run(
            ["demo", "--stocks", "20", "--start", "20230103", "--end", "20230929", "--store", url], in: directory)
        #expect(demo.status == 0, "\(demo.stderr)")

        let alpha = try await CLITests.run(
            ["factors", "compute", "--set", "alpha158", "--summary", "--json", "--store", url], in: directory)
        #expect(alpha.status == 0, "\(alpha.stderr)")
        let computed = try JSONDecoder().decode(Computed.self, from: Data(alpha.stdout.utf8))
        #expect(computed.factors == 158)
        #expect(computed.stocks >= 15)
        let summaries = try #require(computed.summaries)
        #expect(summaries.count == 158)
        #expect(summaries.allSatisfy { $0.infinities == 0 && $0.values > 0 })

        // Neutralised on industry and size, then z-scored per date: pooled mean 0, std ≈ 1.
        let neutral = try await CLITests.run(
            [
                "factors", "compute", "--expr", "$pb", "--preprocess", "winsorize,neutralize,zscore", "--summary",
                "--json",
                "--store", url,
            ], in: directory)
        #expect(neutral.status == 0, "\(neutral.stderr)")
        let pb = try #require(try JSONDecoder().decode(Computed.self, from: Data(neutral.stdout.utf8)).summaries?.first)
        #expect(Swift.abs(pb.mean ?? 1) < 1e-9)
        #expect(Swift.abs((pb.std ?? 0) - 1) < 0.05)

        let csv = directory.appendingPathComponent("ma.csv").path
        let written = try await CLITests.run(
            [
                "factors", "compute", "--expr", "Mean($close,5)/$close", "--name", "MA5", "--start", "20230901",
                "--out", csv, "--store", url,
            ], in: directory)
        #expect(written.status == 0, "\(written.stderr)")
        let lines = try String(contentsOfFile: csv, encoding: .utf8).split(separator: "\n")
        #expect(lines.first == "ts_code,trade_date,MA5")
        #expect(lines.dropFirst().allSatisfy { $0.split(separator: ",", omittingEmptySubsequences: false).count == 3 })
        #expect(lines.dropFirst().allSatisfy { $0.split(separator: ",")[1] >= "20230901" })
        // September 2023 has 20 trading days; each listed stock contributes at most one row a day.
        #expect(lines.count > 1 && lines.count <= 1 + 20 * computed.stocks)

        let code = String(lines[1].split(separator: ",")[0])
        let shown = try await CLITests.run(
            ["factors", "show", "MA5", "--ts-code", code, "--start", "20230901", "--json", "--store", url],
            in: directory)
        #expect(shown.status == 0, "\(shown.stderr)")
        // The same value the CSV holds for that stock's first row.
        let value = String(lines[1].split(separator: ",", omittingEmptySubsequences: false)[2])
        #expect(
            shown.stdout.contains("\"value\" : \(value)") || value.isEmpty, "\(shown.stdout.prefix(300)) vs \(value)")
    }

    @Test(arguments: [
        (["factors", "compute", "--expr", "Meen($close,5)", "--summary"], "unknown function 'Meen' at 1"),
        (["factors", "compute", "--expr", "Mean($close)", "--summary"], "Mean expects 2 arguments, got 1 at 5"),
        (["factors", "compute", "--expr", "Mean($clos,5)", "--summary"], "unknown field '$clos'"),
        (["factors", "compute", "--set", "nosuch", "--summary"], "nosuch"),
        (["factors", "compute", "--set", "alpha158"], "--out"),
        (["factors", "compute", "--set", "alpha158", "--summary", "--universe", "index:XYZ"], "'XYZ'"),
        (["factors", "compute", "--set", "alpha158", "--summary", "--universe", "600000.SH,BAD"], "BAD"),
        (["factors", "compute", "--set", "alpha158", "--summary", "--adj", "sideways"], "--adj"),
        (["factors", "compute", "--expr", "Ref($close,-1)", "--summary"], "looks 1 rows ahead"),
        (["factors", "list", "--set", "nosuch"], "nosuch"),
        (["factors", "compute", "--set", "value", "--summary", "--preprocess", "zscore,normalise"], "normalise"),
        (["factors", "show", "NOSUCH", "--ts-code", "600000.SH"], "NOSUCH"),
    ])
    func badInputExitsTwoAndSaysWhatAndWhere(_ arguments: [String], _ named: String) async throws {
        let directory = try CLITests.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let store = "sqlite://\(directory.path)/f.sqlite"
        #expect(try await CLITests.run(["init", "--store", store]).status == 0)
        let result = try await CLITests.run(arguments + ["--store", store], in: directory)
        #expect(result.status == 2, "\(arguments): \(result.stderr)")
        #expect(result.stderr.contains(named), "\(arguments): \(result.stderr)")
    }
}
