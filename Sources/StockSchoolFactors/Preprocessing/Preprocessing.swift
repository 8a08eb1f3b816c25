import Foundation

/// Cross-sectional clean-ups applied per date to a factor before it is evaluated or written,
/// in the order given (`--preprocess winsorize,neutralize,zscore`).
public enum Preprocessing: String, CaseIterable, Sendable {
    /// Clip to median ± 3 × 1.4826 × MAD (the MAD scaled to a normal's standard deviation).
    case winsorize
    /// (x − mean) / sample std.
    case zscore
    /// Percentile rank in (0, 1], ties averaged.
    case rank
    /// The residual of an OLS of the factor on industry dummies and log total market value.
    case neutralize

    public static func parseList(_ text: String) throws(PreprocessingError) -> [Preprocessing] {
        try text.split(separator: ",").map { part throws(PreprocessingError) in
            let name = part.trimmingCharacters(in: .whitespaces)
            guard let step = Preprocessing(rawValue: name) else { throw PreprocessingError(step: name) }
            return step
        }
    }
}

public struct PreprocessingError: Error, CustomStringConvertible, Equatable {
    public let step: String
    public var description: String {
        "unknown preprocessing step '\(step)'; choose from \(Preprocessing.allCases.map(\.rawValue).joined(separator: ", "))"
    }
}
