import StockSchoolCore

/// The cache the configuration asks for: Redis when a URL is set, in memory otherwise.
public enum ServerCache {
    public static func make(
        _ configuration: StockSchoolConfiguration, disabled: Bool = false
    ) throws -> any ResponseCache {
        NoCache()
    }
}
