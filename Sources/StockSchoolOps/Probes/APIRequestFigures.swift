/// The API's request figures from its `/metrics`: request and 5xx counts and the latency
/// histogram summed over routes. Two scrapes subtract to the figures of the time between them.
public struct APIRequestFigures: Sendable, Equatable {
    public var requests: Double
    public var serverErrors: Double
    /// Cumulative counts per upper bound (`le`), ascending, `+Inf` last.
    public var buckets: [(bound: Double, count: Double)]

    public static func == (lhs: APIRequestFigures, rhs: APIRequestFigures) -> Bool {
        lhs.requests == rhs.requests && lhs.serverErrors == rhs.serverErrors
            && lhs.buckets.map(\.bound) == rhs.buckets.map(\.bound)
            && lhs.buckets.map(\.count) == rhs.buckets.map(\.count)
    }

    public init(requests: Double, serverErrors: Double, buckets: [(bound: Double, count: Double)]) {
        self.requests = requests
        self.serverErrors = serverErrors
        self.buckets = buckets
    }

    /// Reads `http_requests_total` and `http_request_duration_seconds_bucket`.
    public init(_ samples: [PrometheusSample]) {
        var requests = 0.0
        var errors = 0.0
        var byBound: [Double: Double] = [:]
        for sample in samples {
            switch sample.name {
            case "http_requests_total":
                requests += sample.value
                if sample.labels["status"]?.hasPrefix("5") == true { errors += sample.value }
            case "http_request_duration_seconds_bucket":
                guard let le = sample.labels["le"].flatMap({ PrometheusSample.parseValue(Substring($0)) }) else {
                    continue
                }
                byBound[le, default: 0] += sample.value
            default:
                continue
            }
        }
        self.init(
            requests: requests, serverErrors: errors,
            buckets: byBound.sorted { $0.key < $1.key }.map { (bound: $0.key, count: $0.value) })
    }

    /// What happened between `earlier` and this scrape.
    public func since(_ earlier: APIRequestFigures) -> APIRequestFigures {
        let before = Dictionary(earlier.buckets.map { ($0.bound, $0.count) }, uniquingKeysWith: +)
        return APIRequestFigures(
            requests: requests - earlier.requests, serverErrors: serverErrors - earlier.serverErrors,
            buckets: buckets.map { (bound: $0.bound, count: $0.count - (before[$0.bound] ?? 0)) })
    }

    /// 5xx responses over all responses; `nil` with no requests.
    public var errorRate: Double? { requests > 0 ? serverErrors / requests : nil }

    /// The q-quantile of latency, in seconds, as PromQL's `histogram_quantile` computes it: linear
    /// interpolation inside the bucket holding the rank (the first bucket starts at 0); a rank in
    /// the `+Inf` bucket gives the largest finite bound.
    public func quantile(_ q: Double) -> Double? {
        guard let total = buckets.last?.count, total > 0, buckets.last?.bound == .infinity else { return nil }
        let rank = q * total
        var lowerBound = 0.0
        var lowerCount = 0.0
        for (bound, count) in buckets {
            if count >= rank {
                if bound == .infinity { return buckets.count > 1 ? buckets[buckets.count - 2].bound : nil }
                let inBucket = count - lowerCount
                guard inBucket > 0 else { return bound }
                return lowerBound + (bound - lowerBound) * (rank - lowerCount) / inBucket
            }
            lowerBound = bound
            lowerCount = count
        }
        return nil
    }
}
