import Foundation
import Hummingbird
import HummingbirdTesting
import KuraCore
import KuraEmbed
import KuraStore
import Testing

@testable import KuraServer

/// The KAITO RAGEngine routes with the fields, defaults and error shapes of shared/compat/kaito-ragengine.md.
@Suite struct KAITORoutesTests {
    let dir = FileManager.default.temporaryDirectory.appendingPathComponent("kura-kaito-\(UUID().uuidString)").path

    func app() throws -> some ApplicationProtocol {
        Application(router: KuraServer.router(KuraService(store: try Store(directory: dir), embedder: HashEmbedder(dimension: 32))))
    }

    static func body(_ o: Any) -> ByteBuffer { KuraAPITests.body(o) }
    static func json(_ b: ByteBuffer) -> Any? { try? JSONSerialization.jsonObject(with: Data(buffer: b)) }

    @Test func indexListUpdateRetrieveDelete() async throws {
        defer { try? FileManager.default.removeItem(atPath: dir) }
        try await app().test(.router) { client in
            try await client.execute(uri: "/health", method: .get) { r in
                #expect((Self.json(r.body) as? [String: Any])?["status"] as? String == "Healthy")
            }
            let docs: [[String: Any]] = [
                ["text": "kubectl drain evicts pods before node maintenance.", "metadata": ["kind": "cli"]],
                ["text": "A service gives pods a stable address.", "metadata": ["kind": "concept"], "doc_id": "ignored"],
                ["text": "kubectl drain evicts pods before node maintenance."],
            ]
            var ids: [String] = []
            try await client.execute(uri: "/index", method: .post, body: Self.body(["index_name": "k8s", "documents": docs])) { r in
                #expect(r.status == .ok)
                let out = Self.json(r.body) as? [[String: Any]] ?? []
                ids = out.compactMap { $0["doc_id"] as? String }
                #expect(out.count == 2 && ids[0] == ContentHash.sha256(Array("kubectl drain evicts pods before node maintenance.".utf8)) && ids[0].count == 64)
            }
            try await client.execute(uri: "/indexes", method: .get) { #expect(Self.json($0.body) as? [String] == ["k8s"]) }
            try await client.execute(uri: "/indexes/k8s/documents?limit=1&max_text_length=7", method: .get) { r in
                let o = Self.json(r.body) as? [String: Any] ?? [:]
                let d = (o["documents"] as? [[String: Any]])?.first
                #expect(o["count"] as? Int == 1 && o["total_items"] as? Int == 2 && d?["text"] as? String == "kubectl" && d?["is_truncated"] as? Bool == true)
            }
            let filter = "%7B%22kind%22%3A%22concept%22%7D"  // {"kind":"concept"}
            try await client.execute(uri: "/indexes/k8s/documents?metadata_filter=\(filter)", method: .get) { r in
                #expect((Self.json(r.body) as? [String: Any])?["total_items"] as? Int == 1)
            }
            try await client.execute(uri: "/retrieve", method: .post, body: Self.body(["index_name": "k8s", "query": "drain a node", "max_node_count": 1])) {
                r in
                let o = Self.json(r.body) as? [String: Any] ?? [:]
                let first = (o["results"] as? [[String: Any]])?.first ?? [:]
                #expect(o["count"] as? Int == 1 && first["doc_id"] as? String == ids[0] && first["source"] as? String == "hybrid")
                #expect(first["dense_score"] is Double && first["sparse_score"] is Double)
            }
            let filtered: [String: Any] = ["index_name": "k8s", "query": "pods", "metadata_filter": ["kind": "concept"]]
            try await client.execute(uri: "/retrieve", method: .post, body: Self.body(filtered)) { r in
                let results = (Self.json(r.body) as? [String: Any])?["results"] as? [[String: Any]] ?? []
                #expect(results.map { $0["doc_id"] as? String } == [ids[1]])
            }
            let update: [String: Any] = [
                "documents": [
                    ["doc_id": ids[1], "text": "A service gives pods one stable virtual IP."],
                    ["doc_id": ids[0], "text": docs[0]["text"]!, "metadata": ["kind": "cli"]],
                    ["doc_id": "missing", "text": "x"],
                ]
            ]
            try await client.execute(uri: "/indexes/k8s/documents", method: .post, body: Self.body(update)) { r in
                let o = Self.json(r.body) as? [String: Any] ?? [:]
                #expect((o["updated_documents"] as? [Any])?.count == 1 && (o["unchanged_documents"] as? [Any])?.count == 1)
                #expect((o["not_found_documents"] as? [Any])?.count == 1)
            }
            try await client.execute(uri: "/persist/k8s", method: .post) { #expect($0.status == .ok, "\(String(buffer: $0.body))") }
            try await client.execute(uri: "/load/k8s", method: .post) { #expect($0.status == .conflict) }
            try await client.execute(uri: "/load/copy?path=\(dir)/persist/k8s", method: .post) { #expect($0.status == .ok) }
            try await client.execute(uri: "/indexes/copy/documents", method: .get) { r in
                #expect((Self.json(r.body) as? [String: Any])?["total_items"] as? Int == 2)
            }
            try await client.execute(uri: "/indexes/k8s/documents/delete", method: .post, body: Self.body(["doc_ids": [ids[0], "nope"]])) { r in
                let o = Self.json(r.body) as? [String: Any] ?? [:]
                #expect(o["deleted_doc_ids"] as? [String] == [ids[0]] && o["not_found_doc_ids"] as? [String] == ["nope"])
            }
            try await client.execute(uri: "/indexes/k8s", method: .delete) { r in
                #expect((Self.json(r.body) as? [String: Any])?["message"] as? String == "Successfully deleted index k8s.")
            }
        }
    }

    @Test func errorsUseDetail() async throws {
        defer { try? FileManager.default.removeItem(atPath: dir) }
        try await app().test(.router) { client in
            let cases: [(String, HTTPRequest.Method, ByteBuffer?, HTTPResponse.Status, String)] = [
                ("/indexes/none/documents", .get, nil, .notFound, "No such index: 'none' exists."),
                ("/retrieve", .post, Self.body(["index_name": "none", "query": "x"]), .notFound, "No such index"),
                ("/retrieve", .post, Self.body(["index_name": "none", "query": "  "]), .badRequest, "empty"),
                ("/retrieve", .post, Self.body(["query": "x"]), .unprocessableContent, "index_name"),
                ("/retrieve", .post, Self.body(["index_name": "a", "query": "x", "max_node_count": 301]), .unprocessableContent, "max_node_count"),
                ("/index", .post, Self.body(["index_name": "a", "documents": [["metadata": [:]]]]), .unprocessableContent, "text"),
                // Found by the storm: scalar metadata was stored, then failed the answer with a 500.
                (
                    "/index", .post, Self.body(["index_name": "a", "documents": [["text": "t", "metadata": false]]]), .unprocessableContent,
                    "documents[0].metadata"
                ),
                (
                    "/indexes/a/documents", .post, Self.body(["documents": [["text": "t", "metadata": "x"]]]), .unprocessableContent,
                    "metadata must be an object"
                ),
                ("/indexes/none", .delete, nil, .notFound, "No such index"),
                ("/load/x?path=missing", .post, nil, .notFound, "No snapshot"),
                ("/load/x?path=/etc", .post, nil, .badRequest, "inside the persist directory"),
                ("/load/x?path=../../etc", .post, nil, .badRequest, "inside the persist directory"),
                ("/persist/x?path=/tmp/elsewhere", .post, nil, .badRequest, "inside the persist directory"),
            ]
            for (uri, method, body, status, fragment) in cases {
                try await client.execute(uri: uri, method: method, body: body) { r in
                    #expect(r.status == status, "\(uri): \(String(buffer: r.body))")
                    #expect(((Self.json(r.body) as? [String: Any])?["detail"] as? String ?? "").contains(fragment), "\(uri): \(String(buffer: r.body))")
                }
            }
        }
    }
}
