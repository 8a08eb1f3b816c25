import Foundation
import NIOCore
import NIOSSL

/// The client side of TLS for SMTP: the system's trust roots plus the configured CA file, with
/// full verification (chain and host name, or IP address when the host is one).
enum SMTPTLS {
    static func context(_ settings: SMTPSettings) throws(SMTPError) -> NIOSSLContext {
        var configuration = TLSConfiguration.makeClientConfiguration()
        configuration.certificateVerification = .fullVerification
        if let caFile = settings.caFile {
            guard FileManager.default.isReadableFile(atPath: caFile) else {
                throw SMTPError(
                    stage: .tls, server: settings.server,
                    detail: "cannot read the CA file \(caFile) (alerts.email.ca_file)")
            }
            do {
                let certificates = try NIOSSLCertificate.fromPEMFile(caFile)
                guard !certificates.isEmpty else {
                    throw SMTPError(stage: .tls, server: settings.server, detail: "no PEM certificate in \(caFile)")
                }
                configuration.additionalTrustRoots = [.certificates(certificates)]
            } catch let error as SMTPError {
                throw error
            } catch {
                throw SMTPError(stage: .tls, server: settings.server, detail: "cannot load CA file \(caFile): \(error)")
            }
        }
        do {
            return try NIOSSLContext(configuration: configuration)
        } catch {
            throw SMTPError(stage: .tls, server: settings.server, detail: "cannot set up TLS: \(error)")
        }
    }

    /// The name sent in SNI and checked against the certificate. An IP address cannot go in SNI;
    /// without a name NIOSSL checks the certificate against the peer's address instead.
    static func serverHostname(_ host: String) -> String? {
        (try? SocketAddress(ipAddress: host, port: 0)) == nil ? host : nil
    }

    /// Whether an error came from TLS rather than from SMTP or the network.
    static func isTLSError(_ error: any Error) -> Bool {
        error is NIOSSLError || error is NIOSSLExtraError || error is BoringSSLError
    }
}
