import Foundation
import NIOCore
import NIOHTTP1
import NIOPosix
import StockSchoolCore
import StockSchoolSync

/// A local server that speaks Tushare Pro's protocol exactly (`POST /{api_name}`, JSON body with
/// `api_name`, `token`, `params`, `fields`; replies `{code, msg, data: {fields, items}}`), serving
/// the simulated market — with the faults the real service produces, injected on demand. It is the
/// one fake in the test suite: it stands for a service the tests cannot reach.
public final class TushareFixture: Sendable {
    public enum Fault: Sendable, Equatable {
        /// The real rate-limit replies, per minute / hour / day.
        case rateLimit(TushareError.RateWindow)
        case http500
        /// Close the connection without replying.
        case dropConnection
        case slow(Duration)
        case malformedJSON
        /// Leave the `close` field out of the reply.
        case wrongFields
        /// A corrupted trading day: half the market missing, and `high` below `low` on the
        /// first three rows left.
        case brokenDay
        case badToken
    }

    public static let token = "fixture-token"
    public let baseURL: String
    let channel: any Channel
    let state: FixtureState

    init(channel: any Channel, state: FixtureState, port: Int) {
        self.channel = channel
        self.state = state
        self.baseURL = "http://127.0.0.1:\(port)"
    }

    /// Starts on a free loopback port. `limits` are calls per `window` (Tushare's is a minute;
    /// tests shorten it) beyond which the fixture replies with Tushare's rate-limit message.
    public static func start(
        market: SampleMarket, limits: [String: Int] = [:], window: Duration = .seconds(60)
    ) async throws -> TushareFixture {
        let state = FixtureState(market: market, limits: limits, window: window)
        let channel = try await ServerBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .serverChannelOption(.backlog, value: 256)
            .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
            .childChannelInitializer { channel in
                channel.pipeline.configureHTTPServerPipeline().flatMap {
                    channel.pipeline.addHandler(FixtureHandler(state: state))
                }
            }
            .bind(host: "127.0.0.1", port: 0).get()
        let port = channel.localAddress?.port ?? 0
        return TushareFixture(channel: channel, state: state, port: port)
    }

    public func stop() async throws {
        try await channel.close()
    }

    /// The next `times` calls (to `api`, or to any API) get `fault`.
    public func inject(_ fault: Fault, api: String? = nil, times: Int = 1) {
        state.lock.withLock { state.faults.append(contentsOf: Array(repeating: (api, fault), count: times)) }
    }

    /// Calls to `api` are refused for lack of permission.
    public func deny(_ api: String) {
        state.lock.withLock { _ = state.denied.insert(api) }
    }

    /// Every request received: API name and arrival time.
    public var calls: [(api: String, at: ContinuousClock.Instant)] {
        state.lock.withLock { state.calls }
    }

    public func callCount(_ api: String) -> Int { calls.filter { $0.api == api }.count }

    /// Renders now the replies to one call per trade date of each per-day API, so that a
    /// benchmark times the client, not the fixture's JSON writing (the real server's work
    /// happens on another machine).
    public func prerenderDailyReplies() {
        let market = state.market
        let dates = market.calendar.openDays
        var rendered: [String: String] = [:]
        for api in ["daily", "adj_factor", "daily_basic"] {
            for date in dates {
                let params = ["trade_date": date.description]
                guard let table = FixtureReplies.table(api: api, params: params, market: market) else { continue }
                rendered[FixtureState.cacheKey(api, params)] = FixtureReplies.json(
                    TushareResponse(code: 0, msg: "", data: table, requestID: UUID().uuidString))
            }
        }
        state.lock.withLock { state.rendered.merge(rendered) { a, _ in a } }
    }

    /// Calls refused with the rate-limit message.
    public var rateLimitedReplies: Int { state.lock.withLock { state.rateLimitedReplies } }

    /// The most calls to `api` that arrived within any interval of length `window`.
    public func busiestWindow(_ api: String, window: Duration) -> Int {
        let times = calls.filter { $0.api == api }.map(\.at).sorted()
        var busiest = 0
        var first = 0
        for last in times.indices {
            while times[last] - times[first] >= window { first += 1 }
            busiest = max(busiest, last - first + 1)
        }
        return busiest
    }
}

final class FixtureState: @unchecked Sendable {
    // @unchecked: every mutable field is guarded by `lock`.
    let lock = NSLock()
    let market: SampleMarket
    /// Calls per minute allowed per API; beyond it the fixture replies with Tushare's message.
    let limits: [String: Int]
    let window: Duration
    var rateLimitedReplies = 0
    /// Successful replies rendered ahead of time, by `cacheKey`.
    var rendered: [String: String] = [:]

    static func cacheKey(_ api: String, _ params: [String: String]) -> String {
        api + "?" + params.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }.joined(separator: "&")
    }
    var faults: [(String?, TushareFixture.Fault)] = []
    var denied: Set<String> = []
    var calls: [(api: String, at: ContinuousClock.Instant)] = []

    init(market: SampleMarket, limits: [String: Int], window: Duration) {
        self.market = market
        self.limits = limits
        self.window = window
    }

    /// Records the call and returns the fault to apply, if any.
    func arrive(_ api: String) -> (fault: TushareFixture.Fault?, denied: Bool, overLimit: Int?) {
        lock.withLock {
            let now = ContinuousClock.now
            calls.append((api, now))
            var overLimit: Int?
            if let limit = limits[api] {
                let since = now - window
                let recent = calls.filter { $0.api == api && $0.at > since }.count
                if recent > limit {
                    overLimit = limit
                    rateLimitedReplies += 1
                }
            }
            var fault: TushareFixture.Fault?
            if let i = faults.firstIndex(where: { $0.0 == nil || $0.0 == api }) {
                fault = faults.remove(at: i).1
            }
            return (fault, denied.contains(api), overLimit)
        }
    }
}

final class FixtureHandler: ChannelInboundHandler, @unchecked Sendable {
    // @unchecked: used on its channel's event loop only.
    typealias InboundIn = HTTPServerRequestPart
    typealias OutboundOut = HTTPServerResponsePart

    let state: FixtureState
    var uri = "/"
    var body = ByteBuffer()

    init(state: FixtureState) { self.state = state }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        switch unwrapInboundIn(data) {
        case .head(let head):
            uri = head.uri
            body.clear()
        case .body(var chunk):
            body.writeBuffer(&chunk)
        case .end:
            respond(context: context)
        }
    }

    func respond(context: ChannelHandlerContext) {
        let request = try? JSONDecoder().decode(TushareRequest.self, from: Data(buffer: body))
        let api = request?.apiName ?? String(uri.split(separator: "/").last ?? "")
        let (fault, denied, overLimit) = state.arrive(api)
        let loop = context.eventLoop
        let boundContext = NIOLoopBound(context, eventLoop: loop)
        let send: @Sendable (HTTPResponseStatus, String) -> Void = { status, text in
            let context = boundContext.value
            var headers = HTTPHeaders()
            headers.add(name: "Content-Type", value: "application/json")
            headers.add(name: "Content-Length", value: String(text.utf8.count))
            context.write(
                NIOAny(
                    HTTPServerResponsePart.head(HTTPResponseHead(version: .http1_1, status: status, headers: headers))),
                promise: nil)
            context.write(NIOAny(HTTPServerResponsePart.body(.byteBuffer(ByteBuffer(string: text)))), promise: nil)
            context.writeAndFlush(NIOAny(HTTPServerResponsePart.end(nil)), promise: nil)
        }
        func error(_ code: Int, _ message: String) -> String {
            let reply = TushareResponse(code: code, msg: message, data: nil)
            return FixtureReplies.json(reply)
        }
        switch fault {
        case .http500:
            return send(.internalServerError, "<html>502 Bad Gateway</html>")
        case .dropConnection:
            context.close(promise: nil)
            return
        case .malformedJSON:
            return send(.ok, "{\"code\": 0, \"data\": {\"fields\": [\"ts_code\"")
        case .badToken:
            return send(.ok, error(40101, "您的token不对，请确认。"))
        case .rateLimit(let window):
            return send(.ok, error(40203, FixtureReplies.rateLimitMessage(window)))
        case .slow(let delay):
            let reply = makeReply(request, api: api, denied: denied, overLimit: overLimit, fault: nil)
            loop.scheduleTask(
                in: .nanoseconds(
                    Int64(delay.components.seconds) * 1_000_000_000 + delay.components.attoseconds / 1_000_000_000)
            ) {
                send(.ok, reply)
            }
            return
        case .wrongFields, .brokenDay, nil:
            send(.ok, makeReply(request, api: api, denied: denied, overLimit: overLimit, fault: fault))
        }
    }

    func makeReply(
        _ request: TushareRequest?, api: String, denied: Bool, overLimit: Int?, fault: TushareFixture.Fault?
    ) -> String {
        func encode(_ reply: TushareResponse) -> String {
            FixtureReplies.json(reply)
        }
        guard let request else { return encode(TushareResponse(code: 40001, msg: "请求参数格式错误", data: nil)) }
        guard request.token == TushareFixture.token else {
            return encode(TushareResponse(code: 40101, msg: "您的token不对，请确认。", data: nil))
        }
        if denied {
            return encode(
                TushareResponse(
                    code: 2002, msg: "抱歉，您没有接口访问权限，权限的具体详情访问：https://tushare.pro/document/1?doc_id=108。", data: nil))
        }
        if let overLimit {
            return encode(
                TushareResponse(
                    code: 40203,
                    msg: "抱歉，您每分钟最多访问该接口\(overLimit)次，权限的具体详情访问：https://tushare.pro/document/1?doc_id=108。", data: nil))
        }
        if fault == nil,
            let ready = state.lock.withLock({ state.rendered[FixtureState.cacheKey(api, request.params)] })
        {
            return ready
        }
        guard var table = FixtureReplies.table(api: api, params: request.params, market: state.market) else {
            return encode(TushareResponse(code: 40101, msg: "接口名称错误 \(api)", data: nil))
        }
        if fault == .brokenDay, let high = table.fields.firstIndex(of: "high"),
            let low = table.fields.firstIndex(of: "low")
        {
            table.items = Array(table.items.prefix(table.items.count / 2))
            for r in table.items.indices.prefix(3) {
                if case .number(let l) = table.items[r][low] { table.items[r][high] = .number(l - 0.5) }
            }
        }
        if fault == .wrongFields, let close = table.fields.firstIndex(of: "close") {
            table.fields.remove(at: close)
            table.items = table.items.map { row in
                var row = row; row.remove(at: close); return row
            }
        }
        return encode(TushareResponse(code: 0, msg: "", data: table, requestID: UUID().uuidString))
    }
}

/// The simulated market rendered as Tushare replies (also what CSV exports of it contain).
public enum FixtureReplies {
    static func rateLimitMessage(_ window: TushareError.RateWindow) -> String {
        switch window {
        case .minute: "抱歉，您每分钟最多访问该接口500次，权限的具体详情访问：https://tushare.pro/document/1?doc_id=108。"
        case .hour: "抱歉，您每小时最多访问该接口1次，权限的具体详情访问：https://tushare.pro/document/1?doc_id=108。"
        case .day: "抱歉，您每天最多访问该接口20000次，权限的具体详情访问：https://tushare.pro/document/1?doc_id=108。"
        }
    }

    static func number(_ value: Double?) -> TushareValue { value.map { .number($0) } ?? .null }

    /// The reply as JSON text, written directly: `JSONEncoder` would make the fixture, not the
    /// client, the bottleneck of sync benchmarks that run both in one process.
    public static func json(_ reply: TushareResponse) -> String {
        var out = "{\"code\":\(reply.code),\"msg\":"
        quote(reply.msg ?? "", into: &out)
        if let id = reply.requestID {
            out += ",\"request_id\":"
            quote(id, into: &out)
        }
        guard let data = reply.data else { return out + ",\"data\":null}" }
        out += ",\"data\":{\"fields\":["
        for (k, field) in data.fields.enumerated() {
            if k > 0 { out += "," }
            quote(field, into: &out)
        }
        out += "],\"items\":["
        for (r, row) in data.items.enumerated() {
            out += r > 0 ? ",[" : "["
            for (k, cell) in row.enumerated() {
                if k > 0 { out += "," }
                switch cell {
                case .null: out += "null"
                case .number(let n): out += n.description
                case .string(let s): quote(s, into: &out)
                }
            }
            out += "]"
        }
        out += "],\"has_more\":\(data.hasMore == true ? "true" : "false")}}"
        return out
    }

    static func quote(_ text: String, into out: inout String) {
        out += "\""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            case _ where scalar.value < 0x20: out += String(format: "\\u%04x", scalar.value)
            default: out.unicodeScalars.append(scalar)
            }
        }
        out += "\""
    }
    static func string(_ value: String?) -> TushareValue { value.map { .string($0) } ?? .null }

    static func barRow(_ bar: DailyBar) -> [TushareValue] {
        [
            .string(bar.tsCode.description), .string(bar.tradeDate.description), .number(bar.open), .number(bar.high),
            .number(bar.low), .number(bar.close), number(bar.preClose), number(bar.change), number(bar.pctChg),
            number(bar.vol), number(bar.amount),
        ]
    }

    public static func table(api: String, params: [String: String], market: SampleMarket) -> TushareResponse.Table? {
        let date = params["trade_date"].flatMap { try? TradeDate($0) }
        let start = params["start_date"].flatMap { try? TradeDate($0) } ?? market.configuration.start
        let end = params["end_date"].flatMap { try? TradeDate($0) } ?? market.configuration.end
        let dailyFields = [
            "ts_code", "trade_date", "open", "high", "low", "close", "pre_close", "change", "pct_chg", "vol", "amount",
        ]
        switch api {
        case "daily":
            return TushareResponse.Table(
                fields: dailyFields, items: date.map { market.daily(on: $0).map(barRow) } ?? [])
        case "index_daily":
            guard params["ts_code"] == SampleMarket.indexCode.description else {
                return TushareResponse.Table(fields: dailyFields, items: [])
            }
            return TushareResponse.Table(
                fields: dailyFields, items: market.indexDaily(start: start, end: end).map { barRow($0.bar) })
        case "index_weight":
            // Like the real API: by index_code, over a trade_date or a start/end range.
            let fields = ["index_code", "con_code", "trade_date", "weight"]
            guard params["index_code"] == SampleMarket.indexCode.description else {
                return TushareResponse.Table(fields: fields, items: [])
            }
            return TushareResponse.Table(
                fields: fields,
                items: market.indexWeight(start: date ?? start, end: date ?? end).map {
                    [
                        .string($0.indexCode.description), .string($0.conCode.description),
                        .string($0.tradeDate.description), number($0.weight),
                    ]
                })
        case "adj_factor":
            return TushareResponse.Table(
                fields: ["ts_code", "trade_date", "adj_factor"],
                items: (date.map { market.adjFactor(on: $0) } ?? []).map {
                    [.string($0.tsCode.description), .string($0.tradeDate.description), .number($0.adjFactor)]
                })
        case "daily_basic":
            return TushareResponse.Table(
                fields: [
                    "ts_code", "trade_date", "close", "turnover_rate", "turnover_rate_f", "volume_ratio", "pe",
                    "pe_ttm",
                    "pb", "ps", "ps_ttm", "dv_ratio", "dv_ttm", "total_share", "float_share", "free_share", "total_mv",
                    "circ_mv",
                ],
                items: (date.map { market.dailyBasic(on: $0) } ?? []).map { b in
                    [.string(b.tsCode.description), .string(b.tradeDate.description)]
                        + [
                            b.close, b.turnoverRate, b.turnoverRateF, b.volumeRatio, b.pe, b.peTtm, b.pb, b.ps, b.psTtm,
                            b.dvRatio, b.dvTtm, b.totalShare, b.floatShare, b.freeShare, b.totalMv, b.circMv,
                        ].map(number)
                })
        case "stock_basic":
            let status = params["list_status"] ?? "L"
            return TushareResponse.Table(
                fields: [
                    "ts_code", "symbol", "name", "area", "industry", "fullname", "enname", "cnspell", "market",
                    "exchange",
                    "curr_type", "list_status", "list_date", "delist_date", "is_hs", "act_name", "act_ent_type",
                ],
                items: market.stockBasic.filter { $0.listStatus.rawValue == status }.map { s in
                    [
                        .string(s.tsCode.description), .string(s.symbol), .string(s.name), string(s.area),
                        string(s.industry),
                        string(s.fullname), string(s.enname), string(s.cnspell), string(s.market), string(s.exchange),
                        string(s.currType), .string(s.listStatus.rawValue), string(s.listDate?.description),
                        string(s.delistDate?.description), string(s.isHs), string(s.actName), string(s.actEntType),
                    ]
                })
        case "trade_cal":
            return TushareResponse.Table(
                fields: ["exchange", "cal_date", "is_open", "pretrade_date"],
                items: market.tradeCal().filter { $0.calDate >= start && $0.calDate <= end }.map { d in
                    [
                        .string(d.exchange), .string(d.calDate.description), .number(d.isOpen ? 1 : 0),
                        string(d.pretradeDate?.description),
                    ]
                })
        default:
            return nil
        }
    }
}
