import Foundation
import StockSchoolCore
import Yams

/// The user's own factors and sets, read from a YAML file at run time so that a researcher adds
/// a factor without recompiling (docs/factors.md):
///
/// ```yaml
/// factors:
///   MOM20: "$close / Ref($close, 20) - 1"
///   REV5:
///     formula: "-($close / Ref($close, 5) - 1)"
///     description: "5-day reversal"
/// sets:
///   my-momentum:
///     about: "momentum and reversal"
///     factors: [MOM20, REV5, ROC20]   # shipped factors may be listed too
/// ```
///
/// Everything is checked when the file is read, before any data is loaded: the shapes, the
/// names (a factor becomes a CSV column, and must not shadow a shipped factor or set), every
/// formula, and every name a set lists. A mistake is a `StockSchoolError.invalidConfiguration`
/// naming the entry as a dotted key (`factors.MOM20`) and the file and line, the way
/// `stockschool.yaml` reports its own.
public struct UserFactorFile: Sendable, Equatable {
    /// A set of the file: factors of the file or shipped ones, by name, in the order listed.
    public struct NamedSet: Sendable, Equatable {
        public let name: String
        public let about: String
        public let factors: [String]
    }

    /// How errors and `factors list` name the file.
    public let fileName: String
    /// The file's factors, in the file's order; their set is `user`.
    public let factors: [FactorLibrary.Factor]
    public let sets: [NamedSet]

    /// The set every factor of the file belongs to.
    public static let userSet = "user"

    /// Parses and checks a factors file.
    ///
    /// - Parameters:
    ///   - yaml: the file's text.
    ///   - fileName: how to name the file in error messages.
    public init(yaml: String, fileName: String = StockSchoolConfiguration.defaultFactorsFile) throws(StockSchoolError) {
        self.fileName = fileName
        let root: Node?
        do {
            root = try Yams.compose(yaml: yaml)
        } catch {
            throw Self.syntaxError(error, fileName: fileName)
        }
        let checker = Checker(fileName: fileName)
        var factorsNode: Node?
        var setsNode: Node?
        if let root {
            guard case .mapping(let mapping) = root else {
                throw checker.error(
                    "(document)", root, "expected a mapping with `factors:` and `sets:`, got \(Checker.describe(root))")
            }
            for (keyNode, valueNode) in mapping {
                switch keyNode.string {
                case "factors": factorsNode = valueNode
                case "sets": setsNode = valueNode
                default:
                    throw checker.error(
                        keyNode.string ?? "(document)", keyNode, "unknown key; known keys are factors, sets")
                }
            }
        }
        factors = try checker.factors(factorsNode)
        sets = try checker.sets(setsNode, userFactors: Set(factors.map(\.name)))
    }

    /// Reads the factors file the configuration names (`factors.file`), or `./factors.yaml` when
    /// it names none. `nil` when it names none and there is no `./factors.yaml`: no user
    /// factors is the usual case. A file named explicitly must exist.
    public static func read(_ configuration: StockSchoolConfiguration) throws(StockSchoolError) -> UserFactorFile? {
        let path = configuration.factorsFile ?? StockSchoolConfiguration.defaultFactorsFile
        let explicit = configuration.factorsFile != nil
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else {
            guard explicit else { return nil }
            throw .invalidConfiguration(
                key: "factors.file", source: "stockschool.yaml or STOCKSCHOOL_FACTORS_FILE",
                reason: "there is no factors file at '\(path)'\(absolute(path)); fix the path or unset factors.file")
        }
        let source = explicit ? "stockschool.yaml or STOCKSCHOOL_FACTORS_FILE" : "the working directory"
        guard !isDirectory.boolValue else {
            throw .invalidConfiguration(
                key: "factors.file", source: source,
                reason: "'\(path)'\(absolute(path)) is a directory, not a factors file")
        }
        let text: String
        do {
            text = try String(contentsOfFile: path, encoding: .utf8)
        } catch {
            throw .invalidConfiguration(
                key: "factors.file", source: source,
                reason:
                    "cannot read the factors file '\(path)'\(absolute(path)) as UTF-8 text: \(error.localizedDescription)"
            )
        }
        return try UserFactorFile(yaml: text, fileName: path)
    }

    /// ` (/abs/path)` for a relative path, so a user running from another directory sees why.
    private static func absolute(_ path: String) -> String {
        guard !path.hasPrefix("/") else { return "" }
        let resolved = URL(fileURLWithPath: path).standardizedFileURL.path
        return " (\(resolved))"
    }

    /// Yams' errors, reduced to the line and the problem (its own text repeats the document).
    static func syntaxError(_ error: any Error, fileName: String) -> StockSchoolError {
        func located(_ mark: Mark, _ problem: String, _ context: YamlError.Context?) -> StockSchoolError {
            let during = context.map { " (\($0.text) at line \($0.mark.line))" } ?? ""
            return .invalidConfiguration(
                key: "(document)", source: "\(fileName) line \(mark.line)",
                reason: "not valid YAML: \(problem) at column \(mark.column)\(during)")
        }
        switch error as? YamlError {
        case .scanner(let context, let problem, let mark, _), .parser(let context, let problem, let mark, _),
            .composer(let context, let problem, let mark, _):
            return located(mark, problem, context)
        case .duplicatedKeysInMapping(let duplicates, let context):
            let names = duplicates.map { "'\($0)'" }.joined(separator: ", ")
            return .invalidConfiguration(
                key: "(document)", source: "\(fileName) line \(context.mark.line)",
                reason: "\(names) defined more than once in the same mapping")
        default:
            return .invalidConfiguration(key: "(document)", source: fileName, reason: "not valid YAML: \(error)")
        }
    }
}

/// The checks of a factors file, each failing with the entry's dotted key and its line.
private struct Checker {
    let fileName: String
    let parser = FormulaParser(knownFields: Set(FactorPanelLoader.allFields))

    /// A factor's name is a CSV column and an identifier in every tool that reads one.
    static func isFactorName(_ name: String) -> Bool {
        guard let first = name.unicodeScalars.first, first.isASCIILetter || first == "_" else { return false }
        return name.unicodeScalars.allSatisfy { $0.isASCIILetter || $0.isASCIIDigit || $0 == "_" }
    }

    /// A set's name follows the shipped ones (`alpha158-quick`): never an option (`-x`).
    static func isSetName(_ name: String) -> Bool {
        guard let first = name.unicodeScalars.first, first.isASCIILetter || first == "_" else { return false }
        return name.unicodeScalars.allSatisfy { $0.isASCIILetter || $0.isASCIIDigit || $0 == "_" || $0 == "-" }
    }

    static let shippedSets = Set(FactorLibrary.sets.map(\.name))
    static let shippedFactors = Dictionary(FactorLibrary.all.map { ($0.name, $0.set) }, uniquingKeysWith: { a, _ in a })

    func error(_ key: String, _ node: Node?, _ reason: String) -> StockSchoolError {
        let source = node?.mark.map { "\(fileName) line \($0.line)" } ?? fileName
        return .invalidConfiguration(key: key, source: source, reason: reason)
    }

    static func describe(_ node: Node) -> String {
        switch node {
        case .mapping: return "a mapping"
        case .sequence: return "a list"
        case .alias: return "an alias"
        case .scalar(let scalar):
            switch Resolver.default.resolveTag(of: node) {
            case .null: return "nothing"
            case .int, .float: return "the number \(scalar.string)"
            case .bool: return "the boolean \(scalar.string)"
            default: return "'\(scalar.string)'"
            }
        }
    }

    /// What YAML reads an unquoted value as, besides text: `~`, `5`, `0.5`, `true`.
    static func isNonText(_ node: Node) -> Bool {
        [Tag.Name.null, .int, .float, .bool].contains(Resolver.default.resolveTag(of: node))
    }

    /// `key:` with nothing after it: an empty section, e.g. every entry commented out.
    static func isEmpty(_ node: Node) -> Bool {
        if case .scalar = node, Resolver.default.resolveTag(of: node) == .null { return true }
        return false
    }

    /// Text, not a number, boolean or nothing that YAML read from an unquoted value.
    func string(_ node: Node, _ key: String, expected: String) throws(StockSchoolError) -> String {
        guard case .scalar(let scalar) = node, !Self.isNonText(node) else {
            throw error(key, node, "expected \(expected), got \(Self.describe(node))")
        }
        return scalar.string
    }

    /// The entries of a mapping, each key a string.
    func entries(
        _ node: Node, _ key: String, expected: String
    ) throws(StockSchoolError) -> [(
        name: String, key: Node, value: Node
    )] {
        guard case .mapping(let mapping) = node else {
            throw error(key, node, "expected \(expected), got \(Self.describe(node))")
        }
        var result: [(name: String, key: Node, value: Node)] = []
        for (keyNode, valueNode) in mapping {
            guard case .scalar(let scalar) = keyNode else {
                throw error(key, keyNode, "keys must be names, got \(Self.describe(keyNode))")
            }
            result.append((scalar.string, keyNode, valueNode))
        }
        return result
    }

    func factors(_ node: Node?) throws(StockSchoolError) -> [FactorLibrary.Factor] {
        guard let node, !Self.isEmpty(node) else { return [] }
        var factors: [FactorLibrary.Factor] = []
        for entry in try entries(node, "factors", expected: "a mapping of factor names to formulas") {
            factors.append(try factor(entry.name, keyNode: entry.key, value: entry.value))
        }
        return factors
    }

    func factor(_ name: String, keyNode: Node, value: Node) throws(StockSchoolError) -> FactorLibrary.Factor {
        let key = "factors.\(name)"
        guard Self.isFactorName(name) else {
            throw error(
                key, keyNode,
                "'\(name)' is not a factor name: it becomes a CSV column, so use letters, digits and _, starting with a letter or _"
            )
        }
        if let set = Self.shippedFactors[name] {
            throw error(key, keyNode, "'\(name)' is a shipped factor (set \(set)); choose another name")
        }
        if Self.shippedSets.contains(name) || name == UserFactorFile.userSet {
            throw error(key, keyNode, "'\(name)' is the name of a set; choose another name")
        }
        var formulaNode = value
        var formulaKey = key
        var about: String?
        if case .mapping = value {
            var formula: Node?
            for entry in try entries(value, key, expected: "a formula") {
                switch entry.name {
                case "formula": formula = entry.value
                case "description":
                    about = try string(entry.value, "\(key).description", expected: "a description")
                default:
                    throw error(
                        "\(key).\(entry.name)", entry.key, "unknown key; known keys are formula, description")
                }
            }
            guard let formula else {
                throw error(key, value, "no formula: give `formula: \"…\"`")
            }
            formulaNode = formula
            formulaKey = "\(key).formula"
        }
        let text = try string(
            formulaNode, formulaKey, expected: "a formula (a string such as \"$close / Ref($close, 20) - 1\")")
        let formula: Formula
        do {
            formula = try parser.parse(text)
        } catch {
            throw self.error(formulaKey, formulaNode, "\(error) in the formula '\(text)'")
        }
        if formula.lookahead > 0 {
            throw error(
                formulaKey, formulaNode,
                "'\(text)' looks \(formula.lookahead) rows ahead (Ref with a negative shift): that is a label, not a factor"
            )
        }
        return FactorLibrary.Factor(name: name, formula: text, set: UserFactorFile.userSet, about: about)
    }

    func sets(_ node: Node?, userFactors: Set<String>) throws(StockSchoolError) -> [UserFactorFile.NamedSet] {
        guard let node, !Self.isEmpty(node) else { return [] }
        var sets: [UserFactorFile.NamedSet] = []
        for entry in try entries(node, "sets", expected: "a mapping of set names to their factors") {
            sets.append(try set(entry.name, keyNode: entry.key, value: entry.value, userFactors: userFactors))
        }
        return sets
    }

    func set(
        _ name: String, keyNode: Node, value: Node, userFactors: Set<String>
    ) throws(StockSchoolError)
        -> UserFactorFile.NamedSet
    {
        let key = "sets.\(name)"
        guard Self.isSetName(name) else {
            throw error(
                key, keyNode, "'\(name)' is not a set name: use letters, digits, _ and -, starting with a letter or _")
        }
        if Self.shippedSets.contains(name) {
            throw error(key, keyNode, "'\(name)' is a shipped set; choose another name")
        }
        if name == UserFactorFile.userSet {
            throw error(key, keyNode, "'user' is the set of all the file's factors; choose another name")
        }
        if Self.shippedFactors[name] != nil || userFactors.contains(name) {
            throw error(key, keyNode, "'\(name)' is the name of a factor; choose another name")
        }
        var about = ""
        var listNode: Node?
        var listKey = key
        switch value {
        case .sequence: listNode = value
        case .mapping:
            listKey = "\(key).factors"
            for entry in try entries(value, key, expected: "a set") {
                switch entry.name {
                case "factors": listNode = entry.value
                case "about": about = try string(entry.value, "\(key).about", expected: "a description")
                default:
                    throw error("\(key).\(entry.name)", entry.key, "unknown key; known keys are about, factors")
                }
            }
        default:
            throw error(
                key, value, "expected `factors: [NAME, …]` and an optional `about:`, got \(Self.describe(value))")
        }
        guard let listNode else { throw error(key, value, "no factors: give `factors: [NAME, …]`") }
        guard case .sequence(let list) = listNode else {
            throw error(
                listKey, listNode, "expected a list of factor names like [MOM20, ROC20], got \(Self.describe(listNode))"
            )
        }
        var names: [String] = []
        for item in list {
            let member = try string(item, listKey, expected: "a factor name")
            guard userFactors.contains(member) || Self.shippedFactors[member] != nil else {
                let hint =
                    Self.shippedSets.contains(member)
                    ? "'\(member)' is a set; list factors" : "unknown factor '\(member)'"
                throw error(
                    listKey, item, "\(hint): name factors of this file or shipped ones (`stockschool factors list`)")
            }
            guard !names.contains(member) else { throw error(listKey, item, "'\(member)' is listed twice") }
            names.append(member)
        }
        guard !names.isEmpty else { throw error(listKey, listNode, "empty set: list at least one factor") }
        return UserFactorFile.NamedSet(name: name, about: about, factors: names)
    }
}

extension Unicode.Scalar {
    fileprivate var isASCIILetter: Bool { ("a"..."z").contains(self) || ("A"..."Z").contains(self) }
    fileprivate var isASCIIDigit: Bool { ("0"..."9").contains(self) }
}
