import Foundation
import Hummingbird
import HummingbirdTesting
import KuraCore
import KuraEmbed
import KuraStore
import Testing

@testable import KuraServer

/// Kura's API driven through the router without sockets, on the hashing embedder.
@Suite struct KuraAPITests {
    let dir = FileManager.default.temporaryDirectory.appendingPathComponent("kura-api-\(UUID().uuidString)").path

    func service() throws -> KuraService { KuraService(store: try Store(directory: dir), embedder: HashEmbedder(dimension: 32)) }

    static func json(_ buffer: ByteBuffer) -> [String: Any] {
        (try? JSONSerialization.jsonObject(with: Data(buffer: buffer)) as? [String: Any]) ?? [:]
    }

    static func body(_ object: Any) -> ByteBuffer { ByteBuffer(bytes: (try? JSONSerialization.data(withJSONObject: object)) ?? Data()) }

    @Test func collectionsDocumentsQueryAndContext() async throws {
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let app = Application(router: KuraServer.router(try service()))
        try await app.test(.router) { client in
            try await client.execute(uri: "/healthz", method: .get) { #expect($0.status == .ok) }
            try await client.execute(uri: "/readyz", method: .get) { #expect($0.status == .ok) }
            try await client.execute(uri: "/v1/collections", method: .post, body: Self.body(["name": "docs"])) { r in
                #expect(r.status == .created)
                #expect(Self.json(r.body)["dimension"] as? Int == 32 && Self.json(r.body)["embedder"] as? String == "hash:32")
            }
            let docs: [[String: Any]] = [
                ["id": "pods", "text": "A pod runs containers on a node.", "metadata": ["kind": "concept", "year": 2020]],
                ["id": "drain", "text": "kubectl drain evicts pods before node maintenance.", "metadata": ["kind": "cli", "year": 2021]],
                ["id": "svc", "text": "A service gives pods a stable address.", "metadata": ["kind": "concept", "year": 2022]],
            ]
            try await client.execute(uri: "/v1/collections/docs/documents", method: .post, body: Self.body(["documents": docs])) { r in
                #expect(r.status == .ok)
                #expect(Self.json(r.body)["written"] as? [String] == ["pods", "drain", "svc"])
            }
            try await client.execute(uri: "/v1/collections/docs/documents", method: .post, body: Self.body(["documents": [docs[0]]])) { r in
                #expect(Self.json(r.body)["unchanged"] as? [String] == ["pods"])
            }
            try await client.execute(uri: "/v1/collections/docs/query", method: .post, body: Self.body(["query": "drain maintenance", "k": 2])) { r in
                let results = Self.json(r.body)["results"] as? [[String: Any]] ?? []
                #expect(results.count == 2 && results.first?["document_id"] as? String == "drain")
                #expect(Set(results[0].keys).isSuperset(of: ["chunk_id", "document_id", "text", "score", "metadata"]))
                #expect((results[0]["score"] as? Double ?? 0) >= (results[1]["score"] as? Double ?? 1))
            }
            let filtered = Self.body(["query": "pods", "mode": "dense", "filter": ["kind": "concept", "year": ["$gte": 2021]]])
            try await client.execute(uri: "/v1/collections/docs/query", method: .post, body: filtered) { r in
                #expect((Self.json(r.body)["results"] as? [[String: Any]])?.map { $0["document_id"] as? String } == ["svc"])
            }
            try await client.execute(uri: "/v1/collections/docs/context", method: .post, body: Self.body(["query": "pods", "budget_tokens": 40])) { r in
                let o = Self.json(r.body)
                #expect((o["context"] as? String ?? "").hasPrefix("[1]\n"))
                #expect((o["tokens"] as? Int ?? 99) <= 40)
                let citations = o["citations"] as? [[String: Any]] ?? []
                #expect(!citations.isEmpty && citations[0]["n"] as? Int == 1 && citations[0]["chunk_ids"] is [Any])
            }
            try await client.execute(uri: "/v1/collections/docs/documents?limit=2", method: .get) { r in
                let o = Self.json(r.body)
                #expect((o["documents"] as? [[String: Any]])?.count == 2 && o["next_cursor"] != nil)
            }
            try await client.execute(uri: "/v1/collections/docs/documents/drain", method: .get) { r in
                #expect(Self.json(r.body)["text"] as? String == "kubectl drain evicts pods before node maintenance.")
            }
            try await client.execute(uri: "/v1/collections/docs/documents/drain", method: .delete) { #expect($0.status == .ok) }
            try await client.execute(uri: "/v1/collections/docs/documents/drain", method: .get) { #expect($0.status == .notFound) }
            try await client.execute(uri: "/v1/collections/docs", method: .get) { r in
                #expect((Self.json(r.body)["stats"] as? [String: Any])?["documents"] as? Int == 2)
            }
            try await client.execute(uri: "/v1/collections/docs", method: .delete) { #expect($0.status == .ok) }
            try await client.execute(uri: "/v1/collections/docs", method: .get) { #expect($0.status == .notFound) }
        }
    }

    @Test func badRequestsGetClearJSONErrors() async throws {
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let app = Application(router: KuraServer.router(try service()))
        try await app.test(.router) { client in
            try await client.execute(uri: "/v1/collections", method: .post, body: Self.body(["name": "c", "dimension": 32])) { _ in }
            let cases: [(String, HTTPRequest.Method, ByteBuffer?, HTTPResponse.Status, String)] = [
                ("/v1/collections/c/query", .post, ByteBuffer(string: "{bad"), .badRequest, "not valid JSON"),
                ("/v1/collections/c/query", .post, Self.body(["query": 5]), .badRequest, "query must be a string"),
                ("/v1/collections/c/query", .post, Self.body(["vector": [1, 2]]), .badRequest, "dimension"),
                ("/v1/collections/c/query", .post, Self.body(["query": "x", "mode": "fuzzy"]), .badRequest, "mode"),
                ("/v1/collections/c/query", .post, Self.body(["query": "x", "filter": ["$or": []]]), .badRequest, "operator"),
                ("/v1/collections/c/query", .post, Self.body(["query": "x", "k": 0]), .badRequest, "k must"),
                ("/v1/collections/c/query", .post, Self.body(["query": "x", "mmr_lambda": 2]), .badRequest, "mmr_lambda"),
                ("/v1/collections/nope/query", .post, Self.body(["query": "x"]), .notFound, "nope"),
                ("/v1/collections", .post, Self.body(["name": "../etc"]), .badRequest, "name"),
                ("/v1/collections", .post, Self.body(["name": "c"]), .conflict, "exists"),
                ("/v1/collections/c/documents", .post, Self.body(["documents": [["id": "a"]]]), .badRequest, "text"),
                ("/v1/collections/c/documents", .post, Self.body(["documents": [["id": "a", "text": "t", "vector": [1, 2]]]]), .badRequest, "dimension"),
            ]
            for (uri, method, body, status, fragment) in cases {
                try await client.execute(uri: uri, method: method, body: body) { r in
                    #expect(r.status == status, "\(uri) \(String(buffer: body ?? ByteBuffer()))")
                    let error = Self.json(r.body)["error"] as? [String: Any]
                    #expect((error?["message"] as? String ?? "").contains(fragment), "\(uri): \(String(buffer: r.body))")
                }
            }
        }
    }
}

@Suite struct APIKeyTests {
    @Test func keysGuardEverythingButHealth() async throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("kura-keys-\(UUID().uuidString)").path
        defer { try? FileManager.default.removeItem(atPath: dir) }
        try "# comment\nk1\n\n  k2  \n".write(toFile: dir + ".keys", atomically: true, encoding: .utf8)
        defer { try? FileManager.default.removeItem(atPath: dir + ".keys") }
        let keys = try APIKeys(file: dir + ".keys")
        #expect(keys.keys.count == 2)
        let service = KuraService(store: try Store(directory: dir), embedder: HashEmbedder(dimension: 8))
        try await Application(router: KuraServer.router(service, keys: keys)).test(.router) { client in
            try await client.execute(uri: "/healthz", method: .get) { #expect($0.status == .ok) }
            try await client.execute(uri: "/health", method: .get) { #expect($0.status == .ok) }
            try await client.execute(uri: "/v1/collections", method: .get) { r in
                #expect(r.status == .unauthorized && (KuraAPITests.json(r.body)["error"] as? [String: Any])?["message"] != nil)
            }
            try await client.execute(uri: "/indexes", method: .get, headers: [.authorization: "Bearer k3"]) { #expect($0.status == .unauthorized) }
            try await client.execute(uri: "/v1/collections", method: .get, headers: [.authorization: "Bearer k2"]) { #expect($0.status == .ok) }
        }
        #expect(throws: KuraError.self) { try APIKeys(file: dir + ".missing") }
    }
}

@Suite struct MetricsTests {
    @Test func requestsLatencyIngestAndSizesAreExported() async throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("kura-metrics-\(UUID().uuidString)").path
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let service = KuraService(store: try Store(directory: dir), embedder: HashEmbedder(dimension: 8))
        try await Application(router: KuraServer.router(service)).test(.router) { client in
            try await client.execute(uri: "/v1/collections", method: .post, body: KuraAPITests.body(["name": "m"])) { _ in }
            let docs = ["documents": [["id": "a", "text": "one two"], ["id": "b", "text": "three"]]]
            try await client.execute(uri: "/v1/collections/m/documents", method: .post, body: KuraAPITests.body(docs)) { _ in }
            try await client.execute(uri: "/v1/collections/none", method: .get) { _ in }
            try await client.execute(uri: "/metrics", method: .get) { r in
                let text = String(buffer: r.body)
                #expect(r.status == .ok)
                #expect(text.contains(#"kura_http_requests_total{route="/v1/collections/{name}",method="GET",status="404"} 1"#))
                #expect(text.contains(#"kura_http_request_duration_seconds_count{route="/v1/collections/{name}/documents",method="POST"} 1"#))
                #expect(text.contains("kura_documents_written_total 2") && text.contains("kura_chunks_embedded_total 2"))
                #expect(text.contains(#"kura_collection_documents{collection="m"} 2"#))
            }
        }
    }
}

@Suite struct BodyLimitTests {
    @Test func anOversizedBodyGets413() async throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("kura-limit-\(UUID().uuidString)").path
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let service = KuraService(store: try Store(directory: dir), embedder: HashEmbedder(dimension: 8), maxBodyBytes: 1024)
        try await Application(router: KuraServer.router(service)).test(.router) { client in
            try await client.execute(uri: "/v1/collections", method: .post, body: KuraAPITests.body(["name": "c"])) { #expect($0.status == .created) }
            let big = KuraAPITests.body(["documents": [["id": "a", "text": String(repeating: "x", count: 5000)]]])
            try await client.execute(uri: "/v1/collections/c/documents", method: .post, body: big) { r in
                #expect(r.status == .contentTooLarge)
                #expect(((KuraAPITests.json(r.body)["error"] as? [String: Any])?["message"] as? String ?? "").contains("1024 bytes"))
            }
        }
    }
}
