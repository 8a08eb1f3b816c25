/// The named factor sets StockSchool ships, as formulas.
public enum FactorLibrary {
    public struct Factor: Sendable, Equatable {
        public let name: String
        public let formula: String
        public let set: String
    }

    /// Set names and what they are.
    public static let sets: [(name: String, about: String)] = [
        ("alpha158", "Qlib's Alpha158: 158 price-volume factors (FACTORS.md)"),
        ("alpha158-quick", "14 Alpha158 factors, a quick subset for timing and smoke tests"),
    ]

    public static func factors(in set: String) -> [Factor]? {
        switch set {
        case "alpha158": return Alpha158.factors.map { Factor(name: $0.name, formula: $0.formula, set: set) }
        case "alpha158-quick":
            let all = Dictionary(uniqueKeysWithValues: Alpha158.factors.map { ($0.name, $0.formula) })
            return Alpha158.quickSubset.compactMap { name in all[name].map { Factor(name: name, formula: $0, set: set) }
            }
        default: return nil
        }
    }

    /// Every shipped factor, each under its first set.
    public static var all: [Factor] {
        var seen = Set<String>()
        return sets.flatMap { factors(in: $0.name) ?? [] }.filter { seen.insert($0.name).inserted }
    }

    public static func factor(named name: String) -> Factor? { all.first { $0.name == name } }
}
