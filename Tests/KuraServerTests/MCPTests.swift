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
            #expect(context.hasPrefix("[1] drain") && context.contains("Sources:"))
            let (list, _) = try await call(5, "list_collections", [:])
            #expect(list.contains("\"name\":\"k8s\""))
            let (error, isError) = try await call(6, "search", ["collection": "nope", "query": "x"])
            #expect(isError && error.contains("nope"))
        }
    }
}
