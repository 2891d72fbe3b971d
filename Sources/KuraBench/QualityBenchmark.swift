import Foundation
import KuraCore
import KuraEmbed
import KuraIngest
import KuraRetrieval
import KuraStore

/// Known-item retrieval quality: a corpus chunked and embedded by Kura's own pipeline, queries with one
/// or more relevant documents, and Recall@1/5/10 and MRR@10 where a document ranks at its best chunk.
public struct QualityBenchmark {
    /// One mode's scores over the queries.
    public struct Report: Sendable {
        /// The retrieval mode (`dense`, `lexical`, `hybrid`).
        public var mode: String
        /// Queries scored.
        public var queries: Int
        public var recall1 = 0.0, recall5 = 0.0, recall10 = 0.0, mrr10 = 0.0

        /// The report as a JSON object.
        public var json: [String: Any] {
            ["mode": mode, "queries": queries, "recall@1": recall1, "recall@5": recall5, "recall@10": recall10, "mrr@10": mrr10]
        }
    }

    /// The collection searched.
    public let collection: DocumentCollection
    /// The embedder for the queries.
    public let embedder: any Embedder

    /// Opens `name` in `store`, ingesting `corpus` (JSONL, or JSONL.gz) first unless it is already there,
    /// then compacting it (a collection already there is compacted when it needs it, as `kura serve` would).
    public init(
        store: Store, name: String, corpus: String, embedder: any Embedder, chunkTokens: Int = 256, overlap: Int = 32,
        progress: (Int, Int) -> Void = { _, _ in }
    ) throws {
        self.embedder = embedder
        let exists = try store.listCollections().contains { $0.name == name }
        collection = try EmbeddedCollection.open(store, name: name, embedder: embedder)
        if try exists && collection.stats().documents > 0 {
            if collection.needsCompaction { try collection.compact() }
            return
        }
        let docs = try Self.readJSONL(corpus).compactMap { o -> SourceDocument? in
            guard let id = o["id"] as? String, let text = o["text"] as? String else { return nil }
            // The format follows the document's source file name when the corpus gives one.
            let format = (o["source"] as? String).map(DocumentLoader.format(of:)) ?? .plain
            return SourceDocument(id: id, text: text, metadata: "{}", format: format, title: o["title"] as? String)
        }
        let chunker = Chunker(embedder: embedder, chunkTokens: chunkTokens, overlap: overlap)
        let settings = chunker.settings(embedder: embedder)
        var done = 0
        for start in stride(from: 0, to: docs.count, by: 16) {
            let batch = docs[start..<min(docs.count, start + 16)]
            let hashed = batch.map { ($0, Record.hash(text: $0.text, metadata: $0.metadata, settings: settings)) }
            _ = try collection.upsert(try chunker.records(hashed, embedder: embedder), wait: false)
            done += batch.count
            progress(done, docs.count)
        }
        // The state `kura serve` brings an idle collection to: one segment built at full quality.
        try collection.compact()
    }

    /// Runs every query; `qrels` maps a query id to its relevant document ids.
    public func run(
        queries: [(id: String, text: String)], qrels: [String: Set<String>], mode: Retriever.Mode, rrfK: Double = 60, depth: Int = 100
    ) throws -> Report {
        let retriever = Retriever(collection: collection, embedder: embedder)
        var r = Report(mode: mode.rawValue, queries: 0)
        for q in queries {
            guard let relevant = qrels[q.id], !relevant.isEmpty else { continue }
            var query = Retriever.Query(text: q.text, k: depth)
            query.mode = mode
            query.rrfK = rrfK
            var ranking: [String] = []
            for hit in try retriever.search(query) where !ranking.contains(hit.documentID) { ranking.append(hit.documentID) }
            r.queries += 1
            guard let rank = ranking.firstIndex(where: relevant.contains).map({ $0 + 1 }) else { continue }
            if rank <= 1 { r.recall1 += 1 }
            if rank <= 5 { r.recall5 += 1 }
            if rank <= 10 {
                r.recall10 += 1
                r.mrr10 += 1 / Double(rank)
            }
        }
        let n = Double(max(1, r.queries))
        r.recall1 /= n
        r.recall5 /= n
        r.recall10 /= n
        r.mrr10 /= n
        return r
    }

    /// JSON objects, one a line; `.gz` files are decompressed with gzip.
    public static func readJSONL(_ path: String) throws -> [[String: Any]] {
        let data: Data
        if path.hasSuffix(".gz") {
            let p = Process()
            p.executableURL = URL(fileURLWithPath: "/usr/bin/env")
            p.arguments = ["gzip", "-dc", path]
            let out = Pipe()
            p.standardOutput = out
            try p.run()
            data = out.fileHandleForReading.readDataToEndOfFile()
            p.waitUntilExit()
            guard p.terminationStatus == 0 else { throw KuraError.io(path: path, reason: "gzip could not read it") }
        } else {
            guard let d = FileManager.default.contents(atPath: path) else { throw KuraError.io(path: path, reason: "cannot read") }
            data = d
        }
        return try data.split(separator: UInt8(ascii: "\n")).enumerated().compactMap { n, line in
            if line.allSatisfy({ $0 == 32 || $0 == 13 || $0 == 9 }) { return nil }
            guard let o = try? JSONSerialization.jsonObject(with: Data(line)) as? [String: Any] else {
                throw KuraError.invalidArgument("\(path):\(n + 1): not a JSON object")
            }
            return o
        }
    }

    /// `query_id  doc_id  relevance` with a header line; relevance > 0 counts.
    public static func readQrels(_ path: String) throws -> [String: Set<String>] {
        guard let text = try? String(contentsOfFile: path, encoding: .utf8) else { throw KuraError.io(path: path, reason: "cannot read") }
        var out: [String: Set<String>] = [:]
        for line in text.split(separator: "\n").dropFirst() {
            let f = line.split(whereSeparator: { $0 == "\t" || $0 == " " })
            guard f.count >= 2 else { continue }
            if f.count >= 3, let rel = Double(f[2]), rel <= 0 { continue }
            out[String(f[0]), default: []].insert(String(f[1]))
        }
        return out
    }
}
