import Logging
import StockSchoolCore

/// Hands records to another handler (standard error) with message and metadata masked the way
/// `FileLogHandler` masks them, so phone numbers, e-mail addresses and secrets reach no output.
///
/// The logger's own metadata is kept here, not in the wrapped handler, which would print it
/// unmasked: it is merged into each record's metadata and masked with it.
public struct MaskingLogHandler: LogHandler {
    var wrapped: any LogHandler
    public var metadata: Logger.Metadata = [:]

    public init(_ wrapped: any LogHandler) {
        self.wrapped = wrapped
        self.metadata = wrapped.metadata
        self.wrapped.metadata = [:]
    }

    public var logLevel: Logger.Level {
        get { wrapped.logLevel }
        set { wrapped.logLevel = newValue }
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
        wrapped.log(event: event)
    }

    /// Each value masked by its key's name (`token`, `password`, … are hidden whole) and text.
    static func masked(_ metadata: Logger.Metadata) -> Logger.Metadata {
        metadata.reduce(into: [:]) { masked, field in
            masked[field.key] = .string(SensitiveDataMasking.maskValue("\(field.value)", name: field.key))
        }
    }
}
