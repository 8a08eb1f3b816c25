import HTTPTypes
import Hummingbird
import NIOCore

/// What a route handler produces: a status and bytes. Kept as bytes (not a `Response`) so the
/// cache can store exactly what was sent; a `ByteBuffer`, so a cache hit sends the stored buffer
/// itself, shared, rather than copying tens of kilobytes per request.
struct Reply: Sendable {
    var status: HTTPResponse.Status
    var contentType: String
    var body: ByteBuffer
    var headers: HTTPFields = [:]

    static func json(_ writer: JSONWriter, status: HTTPResponse.Status = .ok) -> Reply {
        Reply(status: status, contentType: JSONWriter.contentType, body: writer.bytes)
    }

    static func json(_ build: (inout JSONWriter) -> Void, status: HTTPResponse.Status = .ok) -> Reply {
        var writer = JSONWriter()
        build(&writer)
        return .json(writer, status: status)
    }

    func response(cache: String? = nil) -> Response {
        var headers = headers
        headers[.contentType] = contentType
        if let cache, let name = HTTPField.Name("X-Cache") { headers[name] = cache }
        return Response(status: status, headers: headers, body: ResponseBody(byteBuffer: body))
    }
}

extension Reply {
    init(status: HTTPResponse.Status, contentType: String, body: [UInt8], headers: HTTPFields = [:]) {
        self.init(status: status, contentType: contentType, body: ByteBuffer(bytes: body), headers: headers)
    }
}
