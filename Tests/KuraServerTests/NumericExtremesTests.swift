import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import KuraEmbed
import KuraStore
import KuraTesting
import Testing

@testable import KuraServer

/// Every number a client sends, set in turn to the extremes: each is taken when it is in range and
/// otherwise answered 400 (422 on KAITO's routes) naming the field, never a trap or a 5xx. Before the
/// checked reads, MCP's `k: 1e300` and chat's `max_tokens: -2^63` each killed the process.
@Suite(.serialized) struct NumericExtremesTests {
    let dir = FileManager.default.temporaryDirectory.appendingPathComponent("kura-extremes-\(UUID().uuidString)").path

    /// The JSON texts of the extremes, with what they are as a number (nil: not a number at all).
    static let extremes: [(json: String, value: Double?)] = [
        ("0", 0), ("-1", -1), ("2147483648", 2_147_483_648), ("9007199254740993", 9_007_199_254_740_993), ("9223372036854775807", 9.223_372_036_854_775_807e18),
        ("-9223372036854775808", -9.223_372_036_854_775_808e18), ("1e300", 1e300), ("-1e300", -1e300), ("1e-320", 1e-320), ("0.5", 0.5), ("16", 16),
        ("true", nil), ("\"5\"", nil), ("[]", nil), ("{}", nil), ("null", nil),
    ]

    /// A field and the range it takes; `integer` fields take only whole numbers.
    struct Field {
        var name: String
        var range: ClosedRange<Double>
        var integer = true
        /// Whether a JSON null reads as the field left out (true in bodies, not in vectors or query strings).
        var nullIsAbsent = true

        func accepts(_ json: String, _ value: Double?) -> Bool {
            if json == "null" { return nullIsAbsent }
            guard let value else { return false }
            return range.contains(value) && (!integer || value == value.rounded())
        }
    }

    func service() throws -> KuraService { KuraService(store: try Store(directory: dir), embedder: HashEmbedder(dimension: 8)) }

    /// Sends `template` (and `uri`) with `$` replaced by each extreme, percent-encoded in the URI, and `#`
    /// by a fresh name; checks each answer against `field`. Refusals have `errorStatus` (400 on Kura's
    /// routes, 422 on KAITO's, 200 with a tool error over MCP).
    func sweep(
        _ client: some TestClientProtocol, _ uri: String, _ template: String, _ field: Field, method: HTTPRequest.Method = .post, errorStatus: Int = 400,
        headers: HTTPFields = [:], answer: @escaping @Sendable (ByteBuffer) -> (ok: Bool, message: String) = Self.restAnswer
    ) async throws {
        for (json, value) in Self.extremes {
            let body = template.replacingOccurrences(of: "$", with: json).replacingOccurrences(of: "#", with: UUID().uuidString.prefix(8).lowercased())
            let encoded = json.addingPercentEncoding(withAllowedCharacters: .alphanumerics.union(CharacterSet(charactersIn: "-._"))) ?? json
            try await client.execute(uri: uri.replacingOccurrences(of: "$", with: encoded), method: method, headers: headers, body: ByteBuffer(string: body)) {
                r in
                let (ok, message) = answer(r.body)
                let status = r.status.code
                #expect(status < 500, "\(uri) \(body): \(status) \(message)")
                if field.accepts(json, value) {
                    #expect(ok && status < 300, "\(uri) \(json) \(body) should be taken: \(status) \(message)")
                } else {
                    #expect(!ok && status == errorStatus && message.contains(field.name), "\(uri) \(json) \(body): \(status) \(message)")
                }
            }
        }
    }

    static func restAnswer(_ body: ByteBuffer) -> (ok: Bool, message: String) {
        let o = KuraAPITests.json(body)
        let message = ((o["error"] as? [String: Any])?["message"] as? String) ?? (o["detail"] as? String) ?? ""
        return (o["error"] == nil && o["detail"] == nil, message)
    }

    @Test func kuraRoutes() async throws {
        defer { try? FileManager.default.removeItem(atPath: dir) }
        try await Application(router: KuraServer.router(try service())).test(.router) { client in
            try await client.execute(uri: "/v1/collections", method: .post, body: ByteBuffer(string: #"{"name": "c"}"#)) { #expect($0.status == .created) }
            let docs = #"{"documents": [{"id": "a", "text": "kubectl drain evicts pods"}, {"id": "b", "text": "a service routes to pods"}]}"#
            try await client.execute(uri: "/v1/collections/c/documents", method: .post, body: ByteBuffer(string: docs)) { #expect($0.status == .ok) }
            let query = "/v1/collections/c/query"
            try await sweep(client, query, #"{"query": "drain", "k": $}"#, Field(name: "k", range: 1...1000))
            try await sweep(client, query, #"{"query": "drain", "ef": $}"#, Field(name: "ef", range: 1...10_000))
            try await sweep(client, query, #"{"query": "drain", "mmr_lambda": $}"#, Field(name: "mmr_lambda", range: 0...1, integer: false))
            try await sweep(
                client, query, #"{"vector": [$, 1, 1, 1, 1, 1, 1, 1], "k": 1}"#,
                Field(name: "vector", range: -3.4e38...3.4e38, integer: false, nullIsAbsent: false))
            let context = "/v1/collections/c/context"
            try await sweep(client, context, #"{"query": "drain", "budget_tokens": $}"#, Field(name: "budget_tokens", range: 1...1_048_576))
            try await sweep(client, "/v1/collections", #"{"name": "d#", "dimension": $}"#, Field(name: "dimension", range: 1...65_536))
            try await sweep(client, "/v1/collections/c/documents?limit=$", "", Field(name: "limit", range: 1...1000, nullIsAbsent: false), method: .get)
            let cursor = Field(name: "cursor", range: 0...9.3e18, nullIsAbsent: false)
            try await sweep(client, "/v1/collections/c/documents?cursor=$", "", cursor, method: .get)
            try await sweep(client, "/v1/embeddings", #"{"input": "x", "dimensions": $}"#, Field(name: "dimensions", range: 8...8))
        }
    }

    @Test func kaitoRoutesAnswer422() async throws {
        defer { try? FileManager.default.removeItem(atPath: dir) }
        try await Application(router: KuraServer.router(try service())).test(.router) { client in
            let index = #"{"index_name": "kb", "documents": [{"text": "kubectl drain evicts pods"}]}"#
            try await client.execute(uri: "/index", method: .post, body: ByteBuffer(string: index)) { #expect($0.status == .ok) }
            let retrieve = #"{"index_name": "kb", "query": "drain", "max_node_count": $}"#
            try await sweep(client, "/retrieve", retrieve, Field(name: "max_node_count", range: 1...300), errorStatus: 422)
            for (name, range) in [("limit", 1.0...100), ("offset", 0...9.3e18), ("max_text_length", 1...9.3e18)] {
                let field = Field(name: name, range: range, nullIsAbsent: false)
                try await sweep(client, "/indexes/kb/documents?\(name)=$", "", field, method: .get, errorStatus: 422)
            }
        }
    }

    @Test func chatCompletions() async throws {
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let fake = try FakeOpenAIServer()
        var settings = InferenceSettings()
        settings.url = fake.baseURL
        settings.contextWindow = 4000
        try await Application(router: KuraServer.router(try service(), inference: settings)).test(.router) { client in
            try await client.execute(uri: "/v1/collections", method: .post, body: ByteBuffer(string: #"{"name": "c"}"#)) { _ in }
            try await client.execute(
                uri: "/v1/collections/c/documents", method: .post, body: ByteBuffer(string: #"{"documents": [{"id": "a", "text": "drain"}]}"#)
            ) {
                #expect($0.status == .ok)
            }
            let messages = #""messages": [{"role": "user", "content": "how do I drain a node?"}]"#
            for stream in ["false", "true"] {
                let base = #"{"model": "m", "index_name": "c", "stream": \#(stream), \#(messages), "#
                try await sweep(client, "/v1/chat/completions", base + #""max_tokens": $}"#, Field(name: "max_tokens", range: 1...1_073_741_824))
                try await sweep(
                    client, "/v1/chat/completions", base + #""max_completion_tokens": $}"#, Field(name: "max_completion_tokens", range: 1...1_073_741_824))
                try await sweep(client, "/v1/chat/completions", base + #""n": $}"#, Field(name: "n", range: 1...1))
                try await sweep(
                    client, "/v1/chat/completions", base + #""context_token_ratio": $}"#, Field(name: "context_token_ratio", range: 0.2...0.8, integer: false))
            }
        }
    }

    @Test func mcpToolArgumentsAndEnvelope() async throws {
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let headers: HTTPFields = [.contentType: "application/json", .accept: "application/json, text/event-stream"]
        try await Application(router: KuraServer.router(try service())).test(.router) { client in
            try await client.execute(uri: "/v1/collections", method: .post, body: ByteBuffer(string: #"{"name": "c"}"#)) { _ in }
            try await client.execute(
                uri: "/v1/collections/c/documents", method: .post, body: ByteBuffer(string: #"{"documents": [{"id": "a", "text": "drain"}]}"#)
            ) { _ in }
            // A tool's bad argument is a tool result with isError, readable by the agent.
            @Sendable func toolAnswer(_ body: ByteBuffer) -> (ok: Bool, message: String) {
                let result = KuraAPITests.json(body)["result"] as? [String: Any] ?? [:]
                let text = ((result["content"] as? [[String: Any]])?.first?["text"] as? String) ?? "no result: \(String(buffer: body))"
                return (result["isError"] as? Bool == false, text)
            }
            func call(_ tool: String, _ arguments: String) -> String {
                #"{"jsonrpc": "2.0", "id": 1, "method": "tools/call", "params": {"name": "\#(tool)", "arguments": {"collection": "c", "query": "drain", \#(arguments)}}}"#
            }
            let mcp = { (template: String, field: Field) in
                try await sweep(client, "/mcp", template, field, errorStatus: 200, headers: headers, answer: toolAnswer)
            }
            try await mcp(call("search", #""k": $"#), Field(name: "k", range: 1...1000))
            try await mcp(call("search", #""mmr_lambda": $"#), Field(name: "mmr_lambda", range: 0...1, integer: false))
            try await mcp(call("get_context", #""budget_tokens": $"#), Field(name: "budget_tokens", range: 1...1_048_576))
            try await mcp(call("get_context", #""k": $"#), Field(name: "k", range: 1...1000))
            // The envelope: an id is a string or an integer; anything else is an invalid request with a null id.
            let integers: Set = ["0", "-1", "2147483648", "9007199254740993", "9223372036854775807", "-9223372036854775808", "16"]
            for (json, _) in Self.extremes where json != "null" {
                let body = #"{"jsonrpc": "2.0", "id": \#(json), "method": "ping"}"#
                try await client.execute(uri: "/mcp", method: .post, headers: headers, body: ByteBuffer(string: body)) { r in
                    let o = KuraAPITests.json(r.body)
                    if integers.contains(json) {
                        #expect(r.status == .ok && o["result"] != nil && (o["id"] as? NSNumber)?.stringValue == json, "\(body): \(String(buffer: r.body))")
                    } else if json == "\"5\"" {
                        #expect(r.status == .ok && o["id"] as? String == "5")
                    } else {
                        #expect(r.status == .badRequest && (o["error"] as? [String: Any])?["code"] as? Int == -32600 && o["id"] is NSNull, "\(body)")
                    }
                }
            }
        }
    }
}
