import Foundation
import GRDB
import Hummingbird
import HummingbirdTesting
import KuraCore
import KuraEmbed
import Testing

@testable import KuraServer
@testable import KuraStore

/// KAITO's `/persist`, `/load` and `/retrieve` at their edges: a failed load, a failed persist, an index
/// built with another embedder, and a context of KAITO-style ids.
@Suite struct KAITOSnapshotTests {
    let dir = FileManager.default.temporaryDirectory.appendingPathComponent("kura-kaito-snap-\(UUID().uuidString)").path

    static func body(_ o: Any) -> ByteBuffer { KuraAPITests.body(o) }
    nonisolated(unsafe) static let docs: [[String: Any]] = [
        ["text": "kubectl drain evicts pods before node maintenance."], ["text": "A service gives pods a stable address."],
        ["text": "A pod is the smallest deployable unit."],
    ]

    func total(_ client: some TestClientProtocol, _ index: String) async throws -> Int? {
        try await client.execute(uri: "/indexes/\(index)/documents", method: .get) { KuraAPITests.json($0.body)["total_items"] as? Int }
    }

    /// Before, `overwrite=true` deleted the index first: a snapshot that failed to load took it with it.
    @Test func aFailedLoadLeavesTheOldIndexAsItWas() async throws {
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let service = KuraService(store: try Store(directory: dir), embedder: HashEmbedder(dimension: 16))
        try await Application(router: KuraServer.router(service)).test(.router) { client in
            try await client.execute(uri: "/index", method: .post, body: Self.body(["index_name": "kb", "documents": Self.docs])) { #expect($0.status == .ok) }
            let bad = dir + "/persist/bad"
            try FileManager.default.createDirectory(atPath: bad, withIntermediateDirectories: true)
            try #"{"id": "a", "text": "fine", "metadata": {}}\#n{"id": "b", "text": "#.write(
                toFile: bad + "/documents.jsonl", atomically: true, encoding: .utf8)
            try await client.execute(uri: "/load/kb?path=bad&overwrite=true", method: .post) { r in
                #expect(r.status.code >= 400 && r.status.code < 500, "\(String(buffer: r.body))")
            }
            #expect(try await total(client, "kb") == 3)
            try await client.execute(uri: "/indexes", method: .get) {
                #expect((try? JSONSerialization.jsonObject(with: Data(buffer: $0.body))) as? [String] == ["kb"])
            }
            // A good snapshot replaces it whole.
            try await client.execute(uri: "/persist/kb?path=good", method: .post) { #expect($0.status == .ok) }
            try await client.execute(uri: "/index", method: .post, body: Self.body(["index_name": "kb", "documents": [["text": "one more"]]])) { _ in }
            #expect(try await total(client, "kb") == 4)
            try await client.execute(uri: "/load/kb?path=good&overwrite=yes", method: .post) { #expect($0.status == .ok, "\(String(buffer: $0.body))") }
            #expect(try await total(client, "kb") == 3)
            try await client.execute(uri: "/load/kb?path=good&overwrite=maybe", method: .post) { #expect($0.status == .unprocessableContent) }
        }
    }

    /// A persisted snapshot's name is synced into its folder; a persist that fails closes and removes
    /// its temporary file.
    @Test func persistSyncsAndCleansUp() async throws {
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let store = try Store(directory: dir)
        let service = KuraService(store: store, embedder: HashEmbedder(dimension: 16))
        try await Application(router: KuraServer.router(service)).test(.router) { client in
            try await client.execute(uri: "/index", method: .post, body: Self.body(["index_name": "kb", "documents": Self.docs])) { #expect($0.status == .ok) }
            try await client.execute(uri: "/persist/kb", method: .post) { #expect($0.status == .ok) }
            #expect(Durable.recentlySynced.contains(dir + "/persist/kb"))
            try await store.db.write { db in try db.execute(sql: "UPDATE document SET metadata = 'not json' WHERE rowid = (SELECT min(rowid) FROM document)") }
            try await client.execute(uri: "/persist/kb?path=broken", method: .post) { r in
                #expect(r.status == .internalServerError && (KuraAPITests.json(r.body)["detail"] as? String ?? "").contains("not a JSON object"))
            }
            #expect(!FileManager.default.fileExists(atPath: dir + "/persist/broken/documents.jsonl.tmp"))
            let open = try FileManager.default.contentsOfDirectory(atPath: "/proc/self/fd").compactMap {
                try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/fd/\($0)")
            }
            #expect(!open.contains { $0.contains("broken/documents.jsonl.tmp") }, "\(open)")
        }
    }

    /// `/retrieve` embeds the query with the server's embedder: an index built with another is refused,
    /// as Kura's own routes refuse it, rather than searched with vectors that do not compare.
    @Test func retrieveRefusesAnIndexOfAnotherEmbedder() async throws {
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let store = try Store(directory: dir)
        _ = try store.createCollection(CollectionInfo(name: "other", dimension: 16, metric: .cosine, embedder: "minilm:all-MiniLM-L6-v2"))
        _ = try store.collection("other").upsert([Record(id: "a", text: "drain", vector: [Float](repeating: 0.25, count: 16))])
        let service = KuraService(store: store, embedder: HashEmbedder(dimension: 16))
        try await Application(router: KuraServer.router(service)).test(.router) { client in
            try await client.execute(uri: "/retrieve", method: .post, body: Self.body(["index_name": "other", "query": "drain"])) { r in
                #expect(r.status == .badRequest && (KuraAPITests.json(r.body)["detail"] as? String ?? "").contains("embedder"))
            }
        }
    }

    /// KAITO ids are 64 hex digits; a passage header once spent ~45 tokens on one, so a budget of 64 on
    /// three short documents answered an empty context with a 200.
    @Test func aContextOfKAITOIdsIsNeverSilentlyEmpty() async throws {
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let service = KuraService(store: try Store(directory: dir), embedder: HashEmbedder(dimension: 16))
        try await Application(router: KuraServer.router(service)).test(.router) { client in
            try await client.execute(uri: "/index", method: .post, body: Self.body(["index_name": "kb", "documents": Self.docs])) { #expect($0.status == .ok) }
            try await client.execute(uri: "/v1/collections/kb/context", method: .post, body: Self.body(["query": "drain a node", "budget_tokens": 64])) { r in
                let o = KuraAPITests.json(r.body)
                let citations = o["citations"] as? [[String: Any]] ?? []
                #expect(r.status == .ok && !(o["context"] as? String ?? "").isEmpty && (o["tokens"] as? Int ?? 99) <= 64)
                #expect(citations.count == 3 && citations.allSatisfy { ($0["document_id"] as? String)?.count == 64 })
            }
            try await client.execute(uri: "/v1/collections/kb/context", method: .post, body: Self.body(["query": "drain", "budget_tokens": 2])) { r in
                #expect(
                    r.status == .badRequest && ((KuraAPITests.json(r.body)["error"] as? [String: Any])?["message"] as? String ?? "").contains("smallest useful")
                )
            }
        }
    }
}
