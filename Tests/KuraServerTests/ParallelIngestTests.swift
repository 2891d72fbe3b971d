import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import KuraEmbed
import KuraRetrieval
import KuraStore
import KuraTesting
import Testing

@testable import KuraServer

/// Parallel bulk ingest as a Job runs it: `kura ingest --url --shard I/N` workers against one live
/// server load the same collection as one local ingest of the same files.
@Suite struct ParallelIngestTests {
    /// Runs the kura executable off the concurrency pool (the in-process server needs that pool).
    static func kura(_ args: [String]) async throws -> KuraBinary.Output {
        try await withCheckedThrowingContinuation { done in
            DispatchQueue.global().async { done.resume(with: Result { try KuraBinary.run(args) }) }
        }
    }

    /// Files of several formats (the PDF, PowerPoint and Word test documents among them), most of them several chunks long at 32 tokens a chunk, in words drawn
    /// at random from a vocabulary large enough that scores rarely tie; returns queries in those words.
    static func corpus(_ dir: String) throws -> [String] {
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        var random = SeededRandom(seed: 7)
        let syllables = ["ka", "ru", "po", "de", "mi", "no", "sa", "te", "vo", "lu", "zi", "ge"]
        let words = (0..<300).map { _ in (0..<3).map { _ in syllables[Int(random.next() % 12)] }.joined() }
        func sentence(_ n: Int) -> String { (0..<n).map { _ in words[Int(random.next() % 300)] }.joined(separator: " ") }
        for i in 0..<24 {
            let text = i % 3 == 0 ? "# Topic \(i)\n\n\(sentence(30 + i * 5)).\n\n## Details\n\n\(sentence(20 + i * 3))." : "Note \(i): \(sentence(20 + i * 7))."
            try text.write(toFile: "\(dir)/doc\(i).\(i % 3 == 0 ? "md" : "txt")", atomically: true, encoding: .utf8)
        }
        let lines = (0..<10).map { #"{"id": "rec\#($0)", "text": "\#(sentence(12))", "metadata": {"n": \#($0)}}"# }
        try lines.joined(separator: "\n").write(toFile: "\(dir)/records.jsonl", atomically: true, encoding: .utf8)
        // Paged and structured documents: a --url worker that lets the server embed sends them whole.
        for name in ["manual.pdf", "deck.pptx", "guide.docx"] {
            try FileManager.default.copyItem(atPath: FilesRouteTests.documents + "/" + name, toPath: "\(dir)/\(name)")
        }
        return (0..<4).map { _ in sentence(3) } + ["marker2alpha retrieval", "ef_search compaction MCP"]
    }

    static func ids(_ out: String) -> [String] {
        out.split(separator: "\n").compactMap { try? JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any] }
            .filter { $0["event"] as? String == "committed" }.flatMap { $0["ids"] as? [String] ?? [] }
    }

    static func export(_ c: DocumentCollection) throws -> [String] {
        var lines: [String] = []
        try c.export { lines.append(try $0.exportLine()) }
        return lines.sorted()
    }

    /// What a search sees of a collection: every hit's document, span, text and score, for k beyond the
    /// chunk count (so ties cannot cut the lists differently), sorted (ties keep insertion order).
    static func hits(_ c: DocumentCollection, _ mode: Retriever.Mode, _ queries: [String]) throws -> [String] {
        try queries.flatMap { text in
            var q = Retriever.Query(text: text, k: 500)
            q.mode = mode
            return try Retriever(collection: c, embedder: HashEmbedder(dimension: 384)).search(q).map {
                "\($0.documentID) \($0.start)..<\($0.end) \($0.pages.map { "\($0.unit) \($0.first)-\($0.last)" } ?? "") \(String(format: "%.5f", $0.score)) \($0.text)"
            }.sorted()
        }
    }

    @Test(.timeLimit(.minutes(3))) func shardedWorkersLoadWhatOneLocalIngestLoads() async throws {
        let root = FileManager.default.temporaryDirectory.appendingPathComponent("kura-shards-\(UUID().uuidString)").path
        defer { try? FileManager.default.removeItem(atPath: root) }
        let queries = try Self.corpus(root + "/corpus")
        let chunking = ["--chunk-tokens", "32", "--overlap", "4"]
        let local = try await Self.kura(["ingest", root + "/corpus", "--collection", "c", "--embedder", "hash", "--data-dir", root + "/local"] + chunking)
        #expect(local.status == 0, "\(local.err)")
        let expected = try Store(directory: root + "/local").collection("c")

        let service = KuraService(store: try Store(directory: root + "/server"), embedder: HashEmbedder(dimension: 384), chunkTokens: 32, overlap: 4)
        try await Application(router: KuraServer.router(service), configuration: .init(address: .hostname("127.0.0.1", port: 0))).test(.live) { client in
            let url = "http://127.0.0.1:\(try #require(client.port))"
            // Workers that embed here and send vectors (c), and workers that let the server embed (d).
            for (collection, extra) in [("c", ["--embed-locally", "--embedder", "hash"]), ("d", [])] {
                let runs = try await withThrowingTaskGroup(of: (Int, KuraBinary.Output).self) { group in
                    for i in 0..<2 {
                        group.addTask {
                            (
                                i,
                                try await Self.kura(
                                    ["ingest", root + "/corpus", "--url", url, "--collection", collection, "--shard", "\(i)/2", "--json"] + extra + chunking)
                            )
                        }
                    }
                    return try await group.reduce(into: [Int: KuraBinary.Output]()) { $0[$1.0] = $1.1 }
                }
                let first = Self.ids(runs[0]?.out ?? ""), second = Self.ids(runs[1]?.out ?? "")
                #expect(runs.values.allSatisfy { $0.status == 0 }, "\(runs.values.map(\.err))")
                #expect(!first.isEmpty && !second.isEmpty && Set(first).isDisjoint(with: second) && first.count + second.count == 37)
                let loaded = try service.store.collection(collection)
                #expect(try Self.export(loaded) == Self.export(expected), "\(collection): the export differs from a local ingest's")
                for mode in [Retriever.Mode.dense, .lexical] {
                    let (a, b) = (try Self.hits(loaded, mode, queries), try Self.hits(expected, mode, queries))
                    #expect(a.count > 100 && a == b, "\(collection) \(mode) \(zip(a, b).filter { $0 != $1 }.prefix(3))")
                }
            }
            // A worker run again finds its documents unchanged; vectors of another embedder are refused.
            let again = try await Self.kura(
                ["ingest", root + "/corpus", "--url", url, "--collection", "c", "--shard", "1/2", "--json", "--embed-locally", "--embedder", "hash"] + chunking)
            #expect(again.status == 0 && again.out.contains("\"written\":0"), "\(again.out)")
            let other = try await Self.kura(
                ["ingest", root + "/corpus", "--url", url, "--collection", "c", "--embed-locally", "--embedder", "hash", "--embed-dimension", "8"])
            #expect(other.status != 0 && other.err.contains("hash:8"), "\(other.err)")
        }
    }

    /// The chunked form of a document is checked whole before anything is written.
    @Test func chunkedDocumentsAreChecked() async throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("kura-chunked-\(UUID().uuidString)").path
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let service = KuraService(store: try Store(directory: dir), embedder: HashEmbedder(dimension: 4))
        try await Application(router: KuraServer.router(service)).test(.router) { client in
            try await client.execute(uri: "/v1/collections", method: .post, body: KuraAPITests.body(["name": "c"])) { _ in }
            func upsert(_ chunks: [[String: Any]], embedder: String? = "hash:4", extra: [String: Any] = [:]) async throws -> (HTTPResponse.Status, String) {
                var doc: [String: Any] = ["id": "d", "text": "héllo wörld", "chunks": chunks]
                doc.merge(extra) { $1 }
                var body: [String: Any] = ["documents": [doc]]
                if let embedder { body["embedder"] = embedder }
                return try await client.execute(uri: "/v1/collections/c/documents", method: .post, body: KuraAPITests.body(body)) {
                    ($0.status, String(buffer: $0.body))
                }
            }
            let good: [[String: Any]] = [
                ["text": "héllo", "start": 0, "end": 5, "token_count": 1, "vector": [1, 0, 0, 0]],
                ["text": "wörld", "start": 6, "end": 11, "token_count": 1, "vector": [0, 1, 0, 0], "metadata": ["headings": ["H"]]],
            ]
            let bad: [(String, [[String: Any]], String?, [String: Any])] = [
                ("not the span", [["text": "hello", "start": 0, "end": 5, "vector": [1, 0, 0, 0]]], "hash:4", [:]),
                ("another normalisation", [["text": "he\u{301}llo", "start": 0, "end": 5, "vector": [1, 0, 0, 0]]], "hash:4", [:]),
                ("past the end", [["text": "wörld", "start": 6, "end": 12, "vector": [1, 0, 0, 0]]], "hash:4", [:]),
                ("start after end", [["text": "", "start": 3, "end": 2, "vector": [1, 0, 0, 0]]], "hash:4", [:]),
                ("no vector", [["text": "héllo", "start": 0, "end": 5]], "hash:4", [:]),
                ("wrong width", [["text": "héllo", "start": 0, "end": 5, "vector": [1, 0, 0]]], "hash:4", [:]),
                ("no embedder", good, nil, [:]),
                ("other embedder", good, "minilm", [:]),
                ("no chunks", [], "hash:4", [:]),
                ("vector and chunks", good, "hash:4", ["vector": [1, 0, 0, 0]]),
                ("bad hash", good, "hash:4", ["content_hash": "xyz"]),
            ]
            for (what, chunks, embedder, extra) in bad {
                let (status, body) = try await upsert(chunks, embedder: embedder, extra: extra)
                #expect(status == .badRequest && body.contains("\"message\""), "\(what): \(status) \(body)")
            }
            #expect(try service.store.collection("c").document("d") == nil)
            let (status, body) = try await upsert(good)
            #expect(status == .ok && body.contains("\"written\":[\"d\"]"), "\(body)")
            let stored = try #require(try service.store.collection("c").document("d"))
            #expect(stored.chunks == 2 && stored.text == "héllowörld")
            #expect(try await upsert(good).1.contains("\"unchanged\":[\"d\"]"))
        }
    }
}
