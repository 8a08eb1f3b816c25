/// `GET /openapi.json`: an OpenAPI 3.1 document built from the same route table the router
/// registers, so it lists exactly the routes that exist, with their parameters and roles.
enum OpenAPIRoute {
    static let route = APIRoute(
        .get, "/openapi.json", summary: "This API's OpenAPI 3.1 document.", tag: "operations", access: .open
    ) { call in
        Reply.json(document(APIRouter.routes(call.services)))
    }

    static func document(_ routes: [APIRoute]) -> JSONWriter {
        var w = JSONWriter(capacity: 16_384)
        let byPath = Dictionary(grouping: routes, by: \.path)
        let paths = routes.map(\.path).reduce(into: [String]()) { if !$0.contains($1) { $0.append($1) } }
        w.object { doc in
            doc.field("openapi", "3.1.0")
            doc.field("info") { i in
                i.object { info in
                    info.field("title", "StockSchool API")
                    info.field("version", "1.0.0")
                    info.field(
                        "description",
                        "A-share research data, factors, scores and backtests. Dates are YYYYMMDD; field names are Tushare's; errors are {\"error\": {\"code\", \"message\", \"details\"}}."
                    )
                }
            }
            doc.field("paths") { p in
                p.object { pathsObject in
                    for path in paths {
                        pathsObject.field(path) { item in
                            item.object { methods in
                                for route in byPath[path] ?? [] {
                                    methods.field(route.method.rawValue.lowercased()) { operation(&$0, route) }
                                }
                            }
                        }
                    }
                }
            }
            doc.field("components") { c in
                c.object { components in
                    components.field("securitySchemes") { s in
                        s.object { $0.field("bearer") { $0.raw(#"{"type":"http","scheme":"bearer"}"#.utf8) } }
                    }
                    components.field("schemas") { s in
                        s.object { schemas in
                            schemas.field("Error") {
                                $0.raw(
                                    #"{"type":"object","required":["error"],"properties":{"error":{"type":"object","required":["code","message","details"],"properties":{"code":{"type":"string"},"message":{"type":"string"},"details":{"type":"object","additionalProperties":{"type":"string"}}}}}}"#
                                        .utf8)
                            }
                        }
                    }
                }
            }
        }
        return w
    }

    static func operation(_ w: inout JSONWriter, _ route: APIRoute) {
        w.object { op in
            op.field("operationId", operationID(route))
            op.field("summary", route.summary)
            op.field("tags") { $0.array([route.tag]) { $0.value($1) } }
            if route.access != .open {
                op.field("x-required-role", route.access.rawValue)
                op.field("security") { $0.raw(#"[{"bearer":[]}]"#.utf8) }
            }
            if !route.parameters.isEmpty {
                op.field("parameters") { list in
                    list.array(route.parameters) { w, parameter in
                        w.object { p in
                            p.field("name", parameter.name)
                            p.field("in", parameter.location.rawValue)
                            p.field("required", parameter.required)
                            p.field("description", parameter.about)
                            p.field("schema") { schema(&$0, parameter.kind) }
                        }
                    }
                }
            }
            if let body = route.body {
                op.field("requestBody") {
                    $0.object { b in
                        b.field("required", true)
                        b.field("content") {
                            $0.object {
                                $0.field("application/json") {
                                    $0.object { $0.field("schema") { $0.raw(body.schema.utf8) } }
                                }
                            }
                        }
                    }
                }
            }
            op.field("responses") { r in
                r.object { responses in
                    responses.field(String(route.successStatus)) {
                        $0.object { $0.field("description", route.successStatus == 202 ? "Accepted" : "OK") }
                    }
                    responses.field("default") {
                        $0.raw(
                            ##"{"description":"Error","content":{"application/json":{"schema":{"$ref":"#/components/schemas/Error"}}}}"##
                                .utf8)
                    }
                }
            }
        }
    }

    static func schema(_ w: inout JSONWriter, _ kind: RouteParameter.Kind) {
        w.object { s in
            switch kind {
            case .string:
                s.field("type", "string")
            case .date:
                s.field("type", "string")
                s.field("pattern", "^[0-9]{8}$")
            case .tsCode:
                s.field("type", "string")
                s.field("pattern", "^[0-9]{6}\\.(SH|SZ|BJ)$")
            case .integer(let range):
                s.field("type", "integer")
                s.field("minimum", range.lowerBound)
                if range.upperBound < Int.max { s.field("maximum", range.upperBound) }
            case .choice(let values):
                s.field("type", "string")
                s.field("enum") { $0.array(values) { $0.value($1) } }
            }
        }
    }

    /// `get_api_v1_stocks_ts_code_daily`: unique per method and path.
    static func operationID(_ route: APIRoute) -> String {
        let cleaned = route.path.map { $0.isLetter || $0.isNumber ? $0 : "_" }
        var id = route.method.rawValue.lowercased() + "_" + String(cleaned)
        while id.contains("__") { id = id.replacingOccurrences(of: "__", with: "_") }
        return id.hasSuffix("_") ? String(id.dropLast()) : id
    }
}
