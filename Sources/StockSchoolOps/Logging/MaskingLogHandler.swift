import Logging
import StockSchoolCore

/// Hands records to other handlers (standard error, the log file) with message and metadata
/// masked the way `FileLogHandler` masks them, so phone numbers, e-mail addresses and secrets
/// reach no output.
///
/// The logger's own metadata is kept here, once, not in the wrapped handlers, which would print
/// it unmasked: it is merged into each record's metadata and masked with it. One dictionary also
/// keeps a logger copy with one more key cheap — the HTTP server makes one per request.
public struct MaskingLogHandler: LogHandler {
    var wrapped: [any LogHandler]
    public var metadata: Logger.Metadata = [:]

    /// `first` sets the level; `others` (the log file) take the same records.
    public init(_ first: any LogHandler, _ others: any LogHandler...) {
        self.wrapped = [first] + others
        for index in wrapped.indices {
            metadata.merge(wrapped[index].metadata) { current, _ in current }
            wrapped[index].metadata = [:]
        }
    }

    public var logLevel: Logger.Level {
        get { wrapped[0].logLevel }
        set {
            for index in wrapped.indices { wrapped[index].logLevel = newValue }
        }
    }

    public subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    public func log(event: LogEvent) {
        var event = event
        var fields = metadata
        if let extra = event.metadata { fields.merge(extra) { _, new in new } }
        event.metadata = fields.isEmpty ? nil : Self.masked(fields)
        event.message = "\(SensitiveDataMasking.maskText("\(event.message)"))"
        for handler in wrapped where event.level >= handler.logLevel { handler.log(event: event) }
    }

    /// Each value masked by its key's name (`token`, `password`, … are hidden whole) and text.
    static func masked(_ metadata: Logger.Metadata) -> Logger.Metadata {
        metadata.reduce(into: [:]) { masked, field in
            masked[field.key] = .string(SensitiveDataMasking.maskValue("\(field.value)", name: field.key))
        }
    }
}
