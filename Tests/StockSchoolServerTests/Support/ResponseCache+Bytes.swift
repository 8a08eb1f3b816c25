import NIOCore
import StockSchoolServer

/// The caches hold `ByteBuffer`s; tests state their values as byte arrays.
extension ResponseCache {
    func set(_ key: String, _ bytes: [UInt8], ttl: Duration) async {
        await set(key, ByteBuffer(bytes: bytes), ttl: ttl)
    }

    func bytes(_ key: String) async -> [UInt8]? {
        await get(key).map { Array(buffer: $0) }
    }
}
