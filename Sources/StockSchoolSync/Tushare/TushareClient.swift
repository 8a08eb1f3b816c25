import AsyncHTTPClient
import Foundation
import NIOCore
import NIOHTTP1

/// Speaks Tushare Pro's protocol: one `POST {base}/{api_name}` per call, JSON in and out.
///
/// Transient failures (network, timeouts, HTTP 5xx, unreadable JSON) are retried with
/// exponential backoff and jitter, a bounded number of times; per-minute and per-hour rate-limit
/// replies wait out their window; everything else is thrown at once, classified
/// (`TushareError`) so the caller can stop, skip a dataset, or go on.
public struct TushareClient: Sendable {
    public struct Policy: Sendable {
        public var maxAttempts = 5
        public var baseDelay: Duration = .milliseconds(500)
        public var maxDelay: Duration = .seconds(30)
        public var timeout: Duration = .seconds(60)
        /// How long to wait after a rate-limit reply, per window; at most `maxRateLimitWaits` waits a call.
        public var minuteWait: Duration = .seconds(61)
        public var hourWait: Duration = .seconds(3601)
        public var maxRateLimitWaits = 3

        public init() {}
    }

    public let baseURL: String
    let token: String
    let limiter: RateLimiter
    let policy: Policy
    let http: HTTPClient
    /// Calls and retries made, for the run record.
    public let counters = Counters()

    public final class Counters: @unchecked Sendable {
        // @unchecked: guarded by `lock`.
        private let lock = NSLock()
        private var _calls = 0
        private var _retries = 0

        public var calls: Int { lock.withLock { _calls } }
        public var retries: Int { lock.withLock { _retries } }
        func call() { lock.withLock { _calls += 1 } }
        func retry() { lock.withLock { _retries += 1 } }
    }

    public init(
        baseURL: String, token: String, limiter: RateLimiter = RateLimiter(), policy: Policy = Policy(),
        http: HTTPClient = .shared
    ) {
        self.baseURL = baseURL.hasSuffix("/") ? String(baseURL.dropLast()) : baseURL
        self.token = token
        self.limiter = limiter
        self.policy = policy
        self.http = http
    }

    /// Calls `api` and returns its whole table, following `has_more` pages.
    public func call(_ api: String, params: [String: String], fields: [String]) async throws -> TushareResponse.Table {
        var table = try await callOnce(api, params: params, fields: fields)
        var offset = table.items.count
        while table.hasMore == true, offset > 0 {
            var next = params
            next["offset"] = String(offset)
            let page = try await callOnce(api, params: next, fields: fields)
            guard page.fields == table.fields else {
                throw TushareError.malformedPayload(api: api, reason: "pages disagree on fields")
            }
            table.items += page.items
            table.hasMore = page.hasMore
            offset = page.items.isEmpty ? 0 : offset + page.items.count
        }
        return table
    }

    func callOnce(_ api: String, params: [String: String], fields: [String]) async throws -> TushareResponse.Table {
        let body = try JSONEncoder().encode(TushareRequest(apiName: api, token: token, params: params, fields: fields))
        var attempt = 0
        var rateWaits = 0
        while true {
            attempt += 1
            try await limiter.acquire(api)
            counters.call()
            do {
                return try await send(api, body: body)
            } catch let error as TushareError {
                switch error {
                case .rateLimited(_, let window, _) where window != .day && rateWaits < policy.maxRateLimitWaits:
                    rateWaits += 1
                    attempt -= 1
                    counters.retry()
                    try await Task.sleep(for: window == .minute ? policy.minuteWait : policy.hourWait)
                case .transport(_, let reason):
                    guard attempt < policy.maxAttempts else {
                        throw TushareError.gaveUp(api: api, attempts: attempt, lastError: reason)
                    }
                    counters.retry()
                    try await Task.sleep(for: backoff(attempt: attempt))
                default:
                    throw error
                }
            }
        }
    }

    /// `baseDelay × 2^(attempt−1)`, capped, times a jitter in [0.5, 1.5) so that many clients do
    /// not retry in step.
    func backoff(attempt: Int) -> Duration {
        let exponential = policy.baseDelay * (1 << min(attempt - 1, 20))
        let capped = min(exponential, policy.maxDelay)
        return capped * Double.random(in: 0.5..<1.5)
    }

    func send(_ api: String, body: Data) async throws -> TushareResponse.Table {
        var request = HTTPClientRequest(url: "\(baseURL)/\(api)")
        request.method = .POST
        request.headers.add(name: "Content-Type", value: "application/json")
        request.body = .bytes(ByteBuffer(bytes: body))
        let bytes: ByteBuffer
        do {
            let response = try await http.execute(
                request, timeout: .nanoseconds(Int64(policy.timeout.components.seconds) * 1_000_000_000))
            guard response.status.code < 500 else {
                throw TushareError.transport(api: api, reason: "HTTP \(response.status.code)")
            }
            bytes = try await response.body.collect(upTo: 256 << 20)
            guard response.status == .ok else {
                throw TushareError.server(
                    api: api, code: Int(response.status.code), message: String(buffer: bytes).prefix(200).description)
            }
        } catch let error as TushareError {
            throw error
        } catch {
            throw TushareError.transport(api: api, reason: "\(error)")
        }
        let reply: TushareResponse
        do {
            reply = try TushareReplyParser.parse(bytes)
        } catch {
            throw TushareError.transport(
                api: api,
                reason: "unreadable JSON reply at byte \(error.offset) of \(bytes.readableBytes): \(error.reason)")
        }
        guard reply.code == 0 else {
            throw TushareError.classify(api: api, code: reply.code, message: reply.msg ?? "")
        }
        guard let data = reply.data else {
            throw TushareError.malformedPayload(api: api, reason: "code 0 without data")
        }
        return data
    }
}
