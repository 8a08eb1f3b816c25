import Foundation
import NIOCore

/// The server could not take its address: the message says which and what to do, where NIO's
/// own says only `bind(descriptor:ptr:bytes:)` and an errno.
public struct ListenFailure: Error, CustomStringConvertible {
    public let host: String
    public let port: Int
    public let reason: String

    public var description: String {
        "cannot listen on \(host):\(port): \(reason); stop what serves there or choose another --port (server.port)"
    }

    /// The failure for a bind error, or nil for any other error.
    static func from(_ error: any Error, host: String, port: Int) -> ListenFailure? {
        guard let error = error as? IOError, error.description.contains("bind") else { return nil }
        let reason =
            switch error.errnoCode {
            case EADDRINUSE: "the address is already in use"
            case EADDRNOTAVAIL: "the address is not on this machine"
            case EACCES: "permission denied (ports below 1024 need root)"
            default: "\(error)"
            }
        return ListenFailure(host: host, port: port, reason: reason)
    }
}
