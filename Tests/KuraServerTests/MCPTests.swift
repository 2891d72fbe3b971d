import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import KuraEmbed
import KuraStore
import Testing

@testable import KuraServer

/// The MCP endpoint spoken to as an MCP client would: initialize, list the tools, call each.
@Suite struct MCPTests {
    static func rpc(_ id: Int, _ method: String, _ params: [String: Any]) -> ByteBuffer {
        KuraAPITests.body(["jsonrpc": "2.0", "id": id, "method": method, "params": params])
    }

    @Test func listsAndCallsTools() async throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("kura-mcp-\(UUID().uuidString)").path
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let service = KuraService(store: try Store(directory: dir), embedder: HashEmbedder(dimension: 16))
        let headers: HTTPFields = [.contentType: "application/json", .accept: "application/json, text/event-stream"]
        try await Application(router: KuraServer.router(service)).test(.router) { client in
            try await client.execute(uri: "/v1/collections", method: .post, body: KuraAPITests.body(["name": "k8s"])) { _ in }
            let docs = [
                "documents": [
                    ["id": "drain", "text": "kubectl drain evicts pods before node maintenance."], ["id": "svc", "text": "Services route to pods."],
                ]
            ]
            try await client.execute(uri: "/v1/collections/k8s/documents", method: .post, body: KuraAPITests.body(docs)) { _ in }
            let initialize: [String: Any] = ["protocolVersion": "2025-03-26", "capabilities": [:], "clientInfo": ["name": "test", "version": "1"]]
            try await client.execute(uri: "/mcp", method: .post, headers: headers, body: Self.rpc(1, "initialize", initialize)) { r in
                #expect(r.status == .ok, "\(String(buffer: r.body))")
                #expect(((KuraAPITests.json(r.body)["result"] as? [String: Any])?["serverInfo"] as? [String: Any])?["name"] as? String == "kura")
            }
            var session = headers
            session[HTTPField.Name("MCP-Protocol-Version")!] = "2025-03-26"
            try await client.execute(uri: "/mcp", method: .post, headers: session, body: Self.rpc(2, "tools/list", [:])) { r in
                let tools = (KuraAPITests.json(r.body)["result"] as? [String: Any])?["tools"] as? [[String: Any]] ?? []
                #expect(Set(tools.compactMap { $0["name"] as? String }) == ["search", "get_context", "list_collections"], "\(String(buffer: r.body))")
            }
            func call(_ id: Int, _ name: String, _ args: [String: Any]) async throws -> (String, Bool) {
                var out = ("", false)
                try await client.execute(uri: "/mcp", method: .post, headers: session, body: Self.rpc(id, "tools/call", ["name": name, "arguments": args])) {
                    r in
                    let result = KuraAPITests.json(r.body)["result"] as? [String: Any] ?? [:]
                    out = (((result["content"] as? [[String: Any]])?.first?["text"] as? String) ?? "", result["isError"] as? Bool ?? false)
                }
                return out
            }
            let (found, _) = try await call(3, "search", ["collection": "k8s", "query": "drain node", "k": 1])
            #expect(found.contains("\"document_id\":\"drain\""), "\(found)")
            let (context, _) = try await call(4, "get_context", ["collection": "k8s", "query": "drain", "budget_tokens": 50])
            #expect(context.hasPrefix("[1]\nkubectl drain") && context.contains("Sources:") && context.contains("\"document_id\":\"drain\""))
            let (list, _) = try await call(5, "list_collections", [:])
            #expect(list.contains("\"name\":\"k8s\""))
            let (error, isError) = try await call(6, "search", ["collection": "nope", "query": "x"])
            #expect(isError && error.contains("nope"))
        }
    }

    /// From 2025-06-18 on, tools declare output schemas and results carry `structuredContent` with the
    /// same hits as the text; a client that sends no version header (2025-03-26 by the spec) gets neither.
    @Test func structuredContentFollowsTheProtocolVersion() async throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("kura-mcp-\(UUID().uuidString)").path
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let service = KuraService(store: try Store(directory: dir), embedder: HashEmbedder(dimension: 16))
        try await Application(router: KuraServer.router(service)).test(.router) { client in
            try await client.execute(uri: "/v1/collections", method: .post, body: KuraAPITests.body(["name": "k8s"])) { _ in }
            let docs = ["documents": [["id": "drain", "text": "kubectl drain evicts pods."], ["id": "svc", "text": "Services route to pods."]]]
            try await client.execute(uri: "/v1/collections/k8s/documents", method: .post, body: KuraAPITests.body(docs)) { _ in }
            func result(_ version: String?, _ method: String, _ params: [String: Any]) async throws -> [String: Any] {
                var headers: HTTPFields = [.contentType: "application/json"]
                if let version { headers[HTTPField.Name("MCP-Protocol-Version")!] = version }
                return try await client.execute(uri: "/mcp", method: .post, headers: headers, body: Self.rpc(1, method, params)) {
                    KuraAPITests.json($0.body)["result"] as? [String: Any] ?? [:]
                }
            }
            let search: [String: Any] = ["name": "search", "arguments": ["collection": "k8s", "query": "drain", "k": 2]]
            for version in ["2025-06-18", "2025-11-25"] {
                let tools = try await result(version, "tools/list", [:])["tools"] as? [[String: Any]] ?? []
                let schemas = tools.compactMap { $0["outputSchema"] as? [String: Any] }
                #expect(schemas.count == 3 && schemas.allSatisfy { $0["type"] as? String == "object" && $0["required"] != nil })
                let called = try await result(version, "tools/call", search)
                let hits = (called["structuredContent"] as? [String: Any])?["results"] as? [[String: Any]] ?? []
                #expect(hits.count == 2 && hits.allSatisfy { $0["document_id"] is String && $0["chunk_id"] is Int && $0["score"] is Double })
                let text = ((called["content"] as? [[String: Any]])?.first?["text"] as? String) ?? ""
                #expect(text.contains("\"document_id\":\"\(hits.first?["document_id"] as? String ?? "?")\""))
                let context = try await result(
                    version, "tools/call", ["name": "get_context", "arguments": ["collection": "k8s", "query": "drain", "budget_tokens": 40]])
                let structured = context["structuredContent"] as? [String: Any] ?? [:]
                #expect((structured["context"] as? String)?.hasPrefix("[1]") == true && (structured["citations"] as? [Any])?.isEmpty == false)
                let failed = try await result(version, "tools/call", ["name": "search", "arguments": ["collection": "nope", "query": "x"]])
                #expect(failed["isError"] as? Bool == true && failed["structuredContent"] == nil)
            }
            let tools = try await result(nil, "tools/list", [:])["tools"] as? [[String: Any]] ?? []
            #expect(tools.count == 3 && tools.allSatisfy { $0["outputSchema"] == nil })
            #expect(try await result(nil, "tools/call", search)["structuredContent"] == nil)
        }
    }

    /// Every POST gets one answer, whatever its envelope: JSON-RPC errors with the codes of the spec,
    /// 202 for notifications and responses, 405 for GET and DELETE. Before Kura spoke the transport
    /// itself, a request whose id collided with another in flight, or which the server could not decode,
    /// was never answered.
    @Test func theEnvelopeIsAlwaysAnswered() async throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("kura-mcp-\(UUID().uuidString)").path
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let service = KuraService(store: try Store(directory: dir), embedder: HashEmbedder(dimension: 16))
        let headers: HTTPFields = [.contentType: "application/json", .accept: "application/json, text/event-stream"]
        try await Application(router: KuraServer.router(service)).test(.router) { client in
            func post(_ body: String, _ extra: HTTPFields = [:]) async throws -> (HTTPResponse.Status, [String: Any], String) {
                var h = headers
                for field in extra { h[field.name] = field.value }
                return try await client.execute(uri: "/mcp", method: .post, headers: h, body: ByteBuffer(string: body)) { r in
                    (r.status, KuraAPITests.json(r.body), String(buffer: r.body))
                }
            }
            func code(_ o: [String: Any]) -> Int? { (o["error"] as? [String: Any])?["code"] as? Int }
            let cases: [(String, HTTPResponse.Status, Int?)] = [
                ("not json", .badRequest, -32700),
                (#"[{"jsonrpc": "2.0", "id": 1, "method": "ping"}]"#, .badRequest, -32600),
                (#"{"jsonrpc": "1.0", "id": 1, "method": "ping"}"#, .badRequest, -32600),
                (#"{"jsonrpc": "2.0", "id": 1, "method": 5}"#, .badRequest, -32600),
                (#"{"jsonrpc": "2.0", "id": 1}"#, .badRequest, -32600),
                (#"{"jsonrpc": "2.0", "id": 1, "method": "ping", "params": [1]}"#, .badRequest, -32600),
                (#"{"jsonrpc": "2.0", "id": 1, "method": "resources/list"}"#, .ok, -32601),
                (#"{"jsonrpc": "2.0", "id": 1, "method": "tools/call", "params": {"name": "nope"}}"#, .ok, -32602),
                (#"{"jsonrpc": "2.0", "id": 1, "method": "tools/call", "params": {"name": 7}}"#, .ok, -32602),
                (#"{"jsonrpc": "2.0", "method": "notifications/initialized"}"#, .accepted, nil),
                (#"{"jsonrpc": "2.0", "id": 9, "result": {}}"#, .accepted, nil),
            ]
            for (body, status, expected) in cases {
                let (s, o, text) = try await post(body)
                #expect(s == status && code(o) == expected, "\(body): \(s) \(text)")
            }
            let (s, o, _) = try await post(#"{"jsonrpc": "2.0", "id": "x", "method": "tools/call", "params": {"name": "search", "arguments": [1]}}"#)
            #expect(s == .ok && (o["result"] as? [String: Any])?["isError"] as? Bool == true && o["id"] as? String == "x")
            let (_, initialized, _) = try await post(
                #"{"jsonrpc": "2.0", "id": 1, "method": "initialize", "params": {"protocolVersion": "1999-01-01", "capabilities": {}}}"#)
            #expect((initialized["result"] as? [String: Any])?["protocolVersion"] as? String == MCPEndpoint.protocolVersions[0])
            let (badVersion, _, _) = try await post(#"{"jsonrpc": "2.0", "id": 1, "method": "ping"}"#, [HTTPField.Name("MCP-Protocol-Version")!: "1999-01-01"])
            #expect(badVersion == .badRequest)
            // Stateless: a client that kept a session id from elsewhere is answered the same.
            let (withSession, pong, _) = try await post(#"{"jsonrpc": "2.0", "id": 3, "method": "ping"}"#, [HTTPField.Name("Mcp-Session-Id")!: "0123abcd"])
            #expect(withSession == .ok && pong["result"] != nil && pong["id"] as? Int == 3)
            let (foreign, _, _) = try await post(#"{"jsonrpc": "2.0", "id": 1, "method": "ping"}"#, [.origin: "https://evil.example"])
            #expect(foreign == .forbidden)
            for method in [HTTPRequest.Method.get, .delete] {
                try await client.execute(uri: "/mcp", method: method) { r in
                    #expect(r.status == .methodNotAllowed && r.headers[.allow] == "POST" && code(KuraAPITests.json(r.body)) == -32600)
                }
            }
            // Clients count ids from 1 each: many in flight with the same id each get their own answer.
            try await client.execute(uri: "/v1/collections", method: .post, body: KuraAPITests.body(["name": "c"])) { _ in }
            let answers = try await withThrowingTaskGroup(of: String.self) { group in
                for i in 0..<24 {
                    group.addTask {
                        let body =
                            #"{"jsonrpc": "2.0", "id": 1, "method": "tools/call", "params": {"name": "search", "arguments": {"collection": "c", "query": "q\#(i)"}}}"#
                        return try await client.execute(uri: "/mcp", method: .post, headers: headers, body: ByteBuffer(string: body)) {
                            String(buffer: $0.body)
                        }
                    }
                }
                return try await group.reduce(into: [String]()) { $0.append($1) }
            }
            #expect(answers.count == 24 && answers.allSatisfy { $0.contains(#""id":1"#) && $0.contains(#""isError":false"#) })
        }
    }
}
