import Foundation
import HTTPTypes
import Hummingbird
import KuraCore
import KuraEmbed
import KuraRetrieval
import KuraStore
import MCP

/// The MCP endpoint at /mcp: streamable HTTP in its stateless form (each POST carries JSON-RPC and gets
/// the JSON answer), built on the modelcontextprotocol Swift SDK. Tools: `search`, `get_context` and
/// `list_collections`.
actor MCPEndpoint {
    let service: KuraService
    private var transport: StatelessHTTPServerTransport?

    init(service: KuraService) { self.service = service }

    static let tools: [Tool] = [
        Tool(
            name: "search", description: "Search a Kura collection; returns the best chunks with document ids, scores and metadata.",
            inputSchema: .object([
                "type": "object", "required": .array(["collection", "query"]),
                "properties": .object([
                    "collection": .object(["type": "string"]), "query": .object(["type": "string"]),
                    "k": .object(["type": "integer", "default": 5]), "mode": .object(["type": "string", "enum": .array(["dense", "lexical", "hybrid"])]),
                    "filter": .object(["type": "object"]),
                    "mmr_lambda": .object(["type": "number", "minimum": 0, "maximum": 1]),
                ]),
            ])),
        Tool(
            name: "get_context", description: "Context for a question from a Kura collection, fitted to a token budget, with numbered citations.",
            inputSchema: .object([
                "type": "object", "required": .array(["collection", "query"]),
                "properties": .object([
                    "collection": .object(["type": "string"]), "query": .object(["type": "string"]),
                    "budget_tokens": .object(["type": "integer", "default": 1024]), "k": .object(["type": "integer", "default": 10]),
                    "filter": .object(["type": "object"]),
                ]),
            ])),
        Tool(name: "list_collections", description: "The collections Kura holds.", inputSchema: .object(["type": "object", "properties": .object([:])])),
    ]

    func handle(_ request: MCP.HTTPRequest) async -> MCP.HTTPResponse {
        do {
            return await (try await started()).handleRequest(request)
        } catch {
            return .error(statusCode: 500, .internalError("MCP server failed to start: \(error)"))
        }
    }

    private func started() async throws -> StatelessHTTPServerTransport {
        if let transport { return transport }
        let t = StatelessHTTPServerTransport()
        let server = MCP.Server(name: "kura", version: "0.1", capabilities: .init(tools: .init(listChanged: false)))
        let service = self.service
        await server.withMethodHandler(ListTools.self) { _ in ListTools.Result(tools: Self.tools) }
        await server.withMethodHandler(CallTool.self) { params in
            do {
                let text = try await blocking { try Self.call(params.name, Self.arguments(params.arguments), service) }
                return CallTool.Result(content: [.text(text: text, annotations: nil, _meta: nil)])
            } catch {
                return CallTool.Result(content: [.text(text: "\(error)", annotations: nil, _meta: nil)], isError: true)
            }
        }
        try await server.start(transport: t)
        transport = t
        return t
    }

    static func arguments(_ a: [String: Value]?) throws -> [String: JSONValue] {
        guard let a else { return [:] }
        let data = try JSONEncoder().encode(a)
        return try JSONDecoder().decode([String: JSONValue].self, from: data)
    }

    /// Runs a tool; the answer is JSON text (search, list) or the context with its citations.
    static func call(_ name: String, _ args: [String: JSONValue], _ service: KuraService) throws -> String {
        func string(_ key: String) throws -> String {
            guard case .string(let s)? = args[key], !s.isEmpty else { throw KuraError.invalidArgument("\(name) needs a string \"\(key)\"") }
            return s
        }
        func int(_ key: String, _ fallback: Int) -> Int {
            if case .number(let n)? = args[key] { return Int(n) }
            return fallback
        }
        func json(_ o: Any) -> String {
            String(decoding: (try? JSONSerialization.data(withJSONObject: o, options: [.sortedKeys, .withoutEscapingSlashes])) ?? Data(), as: UTF8.self)
        }
        switch name {
        case "list_collections":
            return json(try service.store.listCollections().map { ["name": $0.name, "dimension": $0.dimension, "embedder": $0.embedder] })
        case "search", "get_context":
            let retriever = try service.retriever(try string("collection"))
            var q = Retriever.Query(text: try string("query"), k: int("k", name == "search" ? 5 : 10))
            if case .string(let m)? = args["mode"] {
                guard let mode = Retriever.Mode(rawValue: m) else { throw KuraError.invalidArgument("mode must be dense, lexical or hybrid") }
                q.mode = mode
            }
            if let f = args["filter"] { q.filter = try MetadataFilter(json: f) }
            if case .number(let lambda)? = args["mmr_lambda"] { q.mmrLambda = lambda }
            let results = try retriever.search(q)
            if name == "search" { return json(results.map(ResultJSON.object)) }
            let context = ContextAssembler(counter: service.embedder.tokenCounter).assemble(results, budget: int("budget_tokens", 1024))
            return context.text + "\n\nSources: " + json(ResultJSON.object(context)["citations"] ?? [])
        default:
            throw KuraError.invalidArgument("unknown tool \(name); use search, get_context or list_collections")
        }
    }

    /// Hummingbird request in, MCP transport answer out.
    static func route(_ endpoint: MCPEndpoint, _ request: Request, limit: Int) async throws -> Response {
        var headers: [String: String] = [:]
        for field in request.headers { headers[field.name.canonicalName] = field.value }
        let body = try await request.body.collect(upTo: limit)
        let answer = await endpoint.handle(MCP.HTTPRequest(method: request.method.rawValue, headers: headers, body: Data(buffer: body), path: request.uri.path))
        var out = HTTPFields()
        for (k, v) in answer.headers { if let name = HTTPField.Name(k) { out[name] = v } }
        switch answer {
        case .stream(let stream, _):
            return Response(
                status: .init(code: answer.statusCode), headers: out,
                body: ResponseBody { writer in
                    for try await chunk in stream { try await writer.write(ByteBuffer(bytes: chunk)) }
                    try await writer.finish(nil)
                })
        default:
            return Response(status: .init(code: answer.statusCode), headers: out, body: .init(byteBuffer: ByteBuffer(bytes: answer.bodyData ?? Data())))
        }
    }
}
