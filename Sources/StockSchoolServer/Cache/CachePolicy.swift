/// How long the API keeps its responses: the operations manual's settings (缓存策略), five minutes
/// for data queries (`stock_data`, timeout 300) and ten for paged lists (`stock_list`, timeout
/// 600). Lists change only when a sync adds stocks, data with every daily sync, hence the
/// difference.
public struct CachePolicy: Sendable, Hashable {
    /// TTL of data responses (bars, factors, scores of a stock or date).
    public var dataTTL: Duration
    /// TTL of list responses (stock lists, pages).
    public var listTTL: Duration

    public init(dataTTL: Duration = .seconds(300), listTTL: Duration = .seconds(600)) {
        self.dataTTL = dataTTL
        self.listTTL = listTTL
    }

    /// The manual's settings: 300 s for data, 600 s for lists.
    public static let standard = CachePolicy()
}
