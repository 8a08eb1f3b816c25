import StockSchoolCore

/// Every factor and set a command can name: the shipped library (`FactorLibrary`) followed by the
/// user's own from a factors file (`UserFactorFile`): their factors as the set `user`, then their
/// sets. Names are unique across both — the file is refused if it shadows a shipped name — so a
/// name means the same thing wherever it is used.
public struct FactorCatalog: Sendable {
    public typealias Factor = FactorLibrary.Factor

    /// A set and its factors, each carrying the set's name.
    public struct FactorSet: Sendable, Equatable {
        public let name: String
        public let about: String
        public let factors: [Factor]
    }

    /// Shipped sets first, then `user` and the file's sets.
    public let sets: [FactorSet]
    /// The factors file read, if any.
    public let file: String?

    /// Only what StockSchool ships.
    public static let shipped = FactorCatalog(user: nil)

    public init(user: UserFactorFile?) {
        var sets = FactorLibrary.sets.map { set in
            FactorSet(name: set.name, about: set.about, factors: FactorLibrary.factors(in: set.name) ?? [])
        }
        if let user {
            if !user.factors.isEmpty {
                sets.append(
                    FactorSet(
                        name: UserFactorFile.userSet, about: "all the factors of \(user.fileName)",
                        factors: user.factors))
            }
            let mine = Dictionary(user.factors.map { ($0.name, $0) }, uniquingKeysWith: { a, _ in a })
            for set in user.sets {
                let factors = set.factors.compactMap { name in
                    (mine[name] ?? FactorLibrary.factor(named: name)).map {
                        Factor(name: $0.name, formula: $0.formula, set: set.name, about: $0.about)
                    }
                }
                sets.append(
                    FactorSet(
                        name: set.name, about: set.about.isEmpty ? "from \(user.fileName)" : set.about, factors: factors
                    ))
            }
        }
        self.sets = sets
        self.file = user?.fileName
    }

    /// The shipped factors and those of the factors file the configuration names (`factors.file`,
    /// else `./factors.yaml` if there is one).
    public static func load(_ configuration: StockSchoolConfiguration) throws(StockSchoolError) -> FactorCatalog {
        FactorCatalog(user: try UserFactorFile.read(configuration))
    }

    public func factors(in set: String) -> [Factor]? { sets.first { $0.name == set }?.factors }

    /// Every factor, each under its first set.
    public var all: [Factor] {
        var seen = Set<String>()
        return sets.flatMap(\.factors).filter { seen.insert($0.name).inserted }
    }

    public func factor(named name: String) -> Factor? {
        for set in sets {
            if let factor = set.factors.first(where: { $0.name == name }) { return factor }
        }
        return nil
    }

    /// For a message about a name not found: where the user's own names would have come from.
    public var yoursNote: String {
        file.map { " (yours are those of \($0))" }
            ?? " (your own go in ./\(StockSchoolConfiguration.defaultFactorsFile), absent here; docs/factors.md)"
    }

    /// The factors of a set, or the one factor of that name, parsed.
    public func formulas(set name: String) throws(StockSchoolError) -> [(name: String, formula: Formula)] {
        guard let factors = factors(in: name) ?? factor(named: name).map({ [$0] }) else {
            throw .invalidArgument(
                name: "--set",
                reason:
                    "no factor set or factor named '\(name)'; sets are \(sets.map(\.name).joined(separator: ", "))\(yoursNote)"
            )
        }
        return try parse(factors)
    }

    /// Formulas were checked when their file was read; a failure here is a shipped formula's bug.
    public func parse(_ factors: [Factor]) throws(StockSchoolError) -> [(name: String, formula: Formula)] {
        let parser = FormulaParser(knownFields: Set(FactorPanelLoader.allFields))
        var parsed: [(name: String, formula: Formula)] = []
        for factor in factors {
            do {
                parsed.append((factor.name, try parser.parse(factor.formula)))
            } catch {
                throw .invalidArgument(name: "factor \(factor.name)", reason: "\(error)")
            }
        }
        return parsed
    }
}
