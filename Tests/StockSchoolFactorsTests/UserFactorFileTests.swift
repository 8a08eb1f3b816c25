import Foundation
import StockSchoolCore
import Testing

@testable import StockSchoolFactors

/// A user's factors file: what it may say, and a clear error for each way it can be wrong.
@Suite struct UserFactorFileTests {
    static let example = """
        # my factors
        factors:
          MOM20: "$close / Ref($close, 20) - 1"
          REV5:
            formula: "-($close / Ref($close, 5) - 1)"
            description: "5-day reversal"
          EP_CHANGE: $pe_ttm / Ref($pe_ttm, 5)
        sets:
          my-momentum:
            about: "momentum and reversal"
            factors: [MOM20, REV5, ROC20]
          quick:
            - KMID
            - MOM20
        """

    @Test func parsesFactorsAndSets() throws {
        let file = try UserFactorFile(yaml: Self.example, fileName: "factors.yaml")
        #expect(file.factors.map(\.name) == ["MOM20", "REV5", "EP_CHANGE"])
        #expect(file.factors.allSatisfy { $0.set == "user" })
        #expect(file.factors[0].formula == "$close / Ref($close, 20) - 1")
        #expect(file.factors[0].about == nil)
        #expect(file.factors[1].formula == "-($close / Ref($close, 5) - 1)")
        #expect(file.factors[1].about == "5-day reversal")
        #expect(file.factors[2].formula == "$pe_ttm / Ref($pe_ttm, 5)")
        #expect(
            file.sets == [
                .init(name: "my-momentum", about: "momentum and reversal", factors: ["MOM20", "REV5", "ROC20"]),
                .init(name: "quick", about: "", factors: ["KMID", "MOM20"]),
            ])
    }

    @Test func theCatalogAddsUserAndTheFileSetsAfterTheShippedOnes() throws {
        let catalog = FactorCatalog(user: try UserFactorFile(yaml: Self.example, fileName: "factors.yaml"))
        #expect(catalog.sets.map(\.name) == FactorLibrary.sets.map(\.name) + ["user", "my-momentum", "quick"])
        #expect(catalog.factors(in: "user")?.map(\.name) == ["MOM20", "REV5", "EP_CHANGE"])
        let mine = try #require(catalog.factors(in: "my-momentum"))
        #expect(mine.map(\.name) == ["MOM20", "REV5", "ROC20"])
        #expect(mine.allSatisfy { $0.set == "my-momentum" })
        // A shipped factor listed by a user set keeps its shipped formula.
        #expect(mine[2].formula == FactorLibrary.factor(named: "ROC20")?.formula)
        #expect(catalog.all.count == FactorLibrary.all.count + 3)
        #expect(catalog.factor(named: "REV5")?.set == "user")
        #expect(catalog.factor(named: "ROC20")?.set == "alpha158")

        let formulas = try catalog.formulas(set: "my-momentum")
        #expect(formulas.map(\.name) == ["MOM20", "REV5", "ROC20"])
        #expect(formulas[0].formula == (try FormulaParser().parse("$close/Ref($close,20)-1")))
        #expect(try catalog.formulas(set: "MOM20").map(\.name) == ["MOM20"])
        #expect(try catalog.formulas(set: "alpha158").count == 158)
        #expect(throws: StockSchoolError.self) { try catalog.formulas(set: "nosuch") }
        #expect(FactorCatalog.shipped.factors(in: "user") == nil)
    }

    @Test(arguments: ["", "# nothing yet\n", "factors:\nsets:\n", "factors: {}\n"])
    func anEmptyFileHasNoFactors(_ yaml: String) throws {
        let file = try UserFactorFile(yaml: yaml)
        #expect(file.factors.isEmpty && file.sets.isEmpty)
        // No `user` set when there are no user factors.
        #expect(FactorCatalog(user: file).sets.map(\.name) == FactorLibrary.sets.map(\.name))
    }

    /// Each mistake: the dotted key, the file and line, and words of the reason.
    @Test(arguments: [
        // YAML syntax.
        ("factors:\n  MOM20: \"$close\n", "(document)", 3, "while scanning a quoted scalar at line 2"),
        ("factors:\n  A: \"$close\"\n B: \"$open\"\n", "(document)", 3, "not valid YAML"),
        ("factors:\n  A: \"$close\"\n  A: \"$open\"\n", "(document)", 2, "'A' defined more than once"),
        // Shapes.
        ("- MOM20\n", "(document)", 1, "expected a mapping"),
        ("factor:\n  MOM20: \"$close\"\n", "factor", 1, "unknown key; known keys are factors, sets"),
        ("factors: [MOM20]\n", "factors", 1, "expected a mapping of factor names to formulas, got a list"),
        ("factors:\n  MOM20: 5\n", "factors.MOM20", 2, "expected a formula (a string"),
        ("factors:\n  MOM20: 5\n", "factors.MOM20", 2, "got the number 5"),
        ("factors:\n  MOM20: true\n", "factors.MOM20", 2, "got the boolean true"),
        ("factors:\n  MOM20:\n", "factors.MOM20", 2, "got nothing"),
        ("factors:\n  MOM20: [1, 2]\n", "factors.MOM20", 2, "got a list"),
        (
            "factors:\n  MOM20:\n    formla: \"$close\"\n", "factors.MOM20.formla", 3,
            "unknown key; known keys are formula, description"
        ),
        ("factors:\n  MOM20:\n    description: x\n", "factors.MOM20", 3, "no formula"),
        ("factors:\n  MOM20:\n    formula: 0.5\n", "factors.MOM20.formula", 3, "got the number 0.5"),
        (
            "factors:\n  MOM20:\n    formula: \"$close\"\n    description: [a]\n", "factors.MOM20.description", 4,
            "expected a description"
        ),
        // Names.
        ("factors:\n  20MOM: \"$close\"\n", "factors.20MOM", 2, "not a factor name"),
        ("factors:\n  MOM-20: \"$close\"\n", "factors.MOM-20", 2, "not a factor name"),
        ("factors:\n  MOM 20: \"$close\"\n", "factors.MOM 20", 2, "CSV column"),
        ("factors:\n  ROC20: \"$close\"\n", "factors.ROC20", 2, "'ROC20' is a shipped factor (set alpha158)"),
        ("factors:\n  RSI14: \"$close\"\n", "factors.RSI14", 2, "shipped factor (set technical)"),
        ("factors:\n  value: \"$close\"\n", "factors.value", 2, "is the name of a set"),
        ("factors:\n  user: \"$close\"\n", "factors.user", 2, "is the name of a set"),
        // Formulas.
        ("factors:\n  MOM20: \"Meen($close, 20)\"\n", "factors.MOM20", 2, "unknown function 'Meen' at 1"),
        ("factors:\n  MOM20: \"Mean($close)\"\n", "factors.MOM20", 2, "Mean expects 2 arguments, got 1 at 5"),
        ("factors:\n  X:\n    formula: \"$close / $clsoe\"\n", "factors.X.formula", 3, "unknown field '$clsoe'"),
        ("factors:\n  X: \"$close / $clsoe\"\n", "factors.X", 2, "at 10 in the formula '$close / $clsoe'"),
        ("factors:\n  LABEL: \"Ref($close, -5) / $close\"\n", "factors.LABEL", 2, "looks 5 rows ahead"),
        // Sets.
        ("sets: [a]\n", "sets", 1, "expected a mapping of set names"),
        ("sets:\n  mine: [MOM20]\n", "sets.mine", 2, "unknown factor 'MOM20'"),
        (
            "factors:\n  A: \"$close\"\nsets:\n  mine:\n    factors: [A, NOPE]\n", "sets.mine.factors", 5,
            "unknown factor 'NOPE'"
        ),
        ("sets:\n  mine: [alpha158]\n", "sets.mine", 2, "'alpha158' is a set; list factors"),
        ("sets:\n  mine: []\n", "sets.mine", 2, "empty set"),
        ("sets:\n  mine:\n    about: x\n    factors: []\n", "sets.mine.factors", 4, "empty set"),
        ("sets:\n  mine:\n    about: x\n", "sets.mine", 3, "no factors"),
        ("sets:\n  mine:\n", "sets.mine", 2, "got nothing"),
        ("sets:\n  mine:\n    factors: KMID\n", "sets.mine.factors", 3, "expected a list of factor names"),
        ("sets:\n  mine:\n    factor: [KMID]\n", "sets.mine.factor", 3, "unknown key; known keys are about, factors"),
        ("sets:\n  mine: [KMID, KMID]\n", "sets.mine", 2, "'KMID' is listed twice"),
        ("sets:\n  mine: [KMID, 5]\n", "sets.mine", 2, "expected a factor name, got the number 5"),
        ("sets:\n  alpha158: [KMID]\n", "sets.alpha158", 2, "is a shipped set"),
        ("sets:\n  user: [KMID]\n", "sets.user", 2, "'user' is the set of all the file's factors"),
        ("sets:\n  KMID: [KMID]\n", "sets.KMID", 2, "is the name of a factor"),
        ("factors:\n  A: \"$close\"\nsets:\n  A: [A]\n", "sets.A", 4, "is the name of a factor"),
        ("sets:\n  -mine: [KMID]\n", "sets.-mine", 2, "not a set name"),
    ])
    func mistakesNameTheEntryTheFileAndTheLine(_ yaml: String, _ key: String, _ line: Int, _ words: String) {
        #expect {
            try UserFactorFile(yaml: yaml, fileName: "my/factors.yaml")
        } throws: { error in
            guard case .invalidConfiguration(let k, let source, let reason) = error as? StockSchoolError else {
                Issue.record("\(error)")
                return false
            }
            #expect(k == key, "\(reason)")
            #expect(source == "my/factors.yaml line \(line)", "\(reason)")
            #expect(reason.contains(words), "\(reason)")
            return k == key && source == "my/factors.yaml line \(line)" && reason.contains(words)
        }
    }

    @Test func theMessageSaysWhatAndWhere() {
        let error = #expect(throws: StockSchoolError.self) {
            try UserFactorFile(yaml: "factors:\n  MOM20: \"Meen($close, 20)\"\n", fileName: "factors.yaml")
        }
        #expect(
            error?.description
                == "invalid configuration 'factors.MOM20' in factors.yaml line 2: unknown function 'Meen' at 1 in the formula 'Meen($close, 20)'"
        )
    }

    @Test func theFileIsFoundWhereTheConfigurationSays() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("ss-uf-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let path = directory.appendingPathComponent("mine.yaml").path
        try Self.example.write(toFile: path, atomically: true, encoding: .utf8)

        var configuration = try StockSchoolConfiguration.load(
            yaml: nil, environment: ["STOCKSCHOOL_FACTORS_FILE": path])
        #expect(configuration.factorsFile == path)
        let file = try #require(try UserFactorFile.read(configuration))
        #expect(file.fileName == path)
        #expect(file.factors.count == 3)
        #expect(try FactorCatalog.load(configuration).file == path)

        // Named in stockschool.yaml.
        let fromYAML = try StockSchoolConfiguration.load(yaml: "factors:\n  file: \(path)\n", environment: [:])
        #expect(fromYAML.factorsFile == path)

        // A file named explicitly must exist; the error names the path.
        configuration.factorsFile = directory.appendingPathComponent("missing.yaml").path
        #expect {
            try UserFactorFile.read(configuration)
        } throws: { error in
            guard case .invalidConfiguration(let key, _, let reason) = error as? StockSchoolError else { return false }
            return key == "factors.file" && reason.contains("missing.yaml")
        }
        // A directory is not a factors file.
        configuration.factorsFile = directory.path
        #expect(throws: StockSchoolError.self) { try UserFactorFile.read(configuration) }
    }

    @Test func withoutConfigurationAMissingDefaultFileMeansNoUserFactors() throws {
        // Tests run from the package root, which has no factors.yaml.
        guard !FileManager.default.fileExists(atPath: StockSchoolConfiguration.defaultFactorsFile) else { return }
        let configuration = try StockSchoolConfiguration.load(yaml: nil, environment: [:])
        #expect(configuration.factorsFile == nil)
        #expect(try UserFactorFile.read(configuration) == nil)
        #expect(try FactorCatalog.load(configuration).sets.map(\.name) == FactorLibrary.sets.map(\.name))
    }
}
