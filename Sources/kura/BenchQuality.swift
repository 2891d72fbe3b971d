import ArgumentParser
import Foundation
import KuraBench
import KuraRetrieval
import KuraStore

struct BenchQuality: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "quality",
        abstract: "Known-item retrieval quality: Recall@1/5/10 and MRR@10 of a corpus chunked and embedded by Kura.")
    @OptionGroup var embedding: EmbedderOptions
    @Option(help: "JSONL or JSONL.gz of {\"id\",\"text\",...}, one document a line.") var corpus: String
    @Option(help: "JSONL of {\"id\",\"text\"}.") var queries: String
    @Option(help: "TSV query_id, doc_id, relevance, with a header line.") var qrels: String
    @Option(help: "dense, lexical or hybrid; default: all three.") var mode: String?
    @Option(name: .customLong("data-dir"), help: "Keep the ingested collection here and reuse it on the next run (default: a temporary folder).")
    var dataDir: String?
    @Option(help: "The collection measured: used as it is when --data-dir holds it with documents, else loaded from --corpus.")
    var collection = "quality"
    @Option(name: .customLong("chunk-tokens"), help: "Most tokens per chunk.") var chunkTokens: Int = 256
    @Option(help: "Tokens repeated from the previous chunk.") var overlap: Int = 32
    @Option(name: .customLong("rrf-k"), help: "Reciprocal rank fusion constant.") var rrfK: Double = 60
    @Flag(help: "One JSON object per mode.") var json = false

    func validate() throws {
        if let mode, Retriever.Mode(rawValue: mode) == nil { throw ValidationError("unknown mode '\(mode)'; use dense, lexical or hybrid") }
    }

    func run() throws {
        let dir = dataDir ?? FileManager.default.temporaryDirectory.appendingPathComponent("kura-quality-\(UUID().uuidString)").path
        defer { if dataDir == nil { try? FileManager.default.removeItem(atPath: dir) } }
        let store = try Store(directory: dir)
        let embedder = try embedding.make(cacheDirectory: dir)
        let bench = try QualityBenchmark(
            store: store, name: collection, corpus: corpus, embedder: embedder, chunkTokens: chunkTokens,
            overlap: overlap
        ) { done, total in
            FileHandle.standardError.write(Data("\rembedded \(done)/\(total) documents".utf8))
        }
        FileHandle.standardError.write(Data("\n".utf8))
        let qs = try QualityBenchmark.readJSONL(queries).compactMap { o -> (String, String)? in
            guard let id = o["id"] as? String, let text = o["text"] as? String else { return nil }
            return (id, text)
        }
        let rel = try QualityBenchmark.readQrels(qrels)
        let modes = mode.flatMap(Retriever.Mode.init(rawValue:)).map { [$0] } ?? Retriever.Mode.allCases
        for m in modes {
            let r = try bench.run(queries: qs.map { (id: $0.0, text: $0.1) }, qrels: rel, mode: m, rrfK: rrfK)
            if json {
                emitLine(jsonLine(r.json))
            } else {
                print(
                    String(format: "%-8@ queries %d  R@1 %.3f  R@5 %.3f  R@10 %.3f  MRR@10 %.3f", r.mode, r.queries, r.recall1, r.recall5, r.recall10, r.mrr10))
            }
        }
    }
}
