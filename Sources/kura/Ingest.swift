import ArgumentParser
import Foundation
import KuraCore
import KuraEmbed
import KuraIngest
import KuraStore
import KuraText

struct Ingest: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Load files or folders into a collection: chunked and embedded, or pre-embedded JSONL with --vectors.",
        discussion: """
            Reads .txt, .md, .rst, .html, .jsonl ({"id","text","metadata"}), source code, PDF (chunks keep their pages), .docx, \
            .pptx, .odt, .odp and .epub; folders are walked recursively, and \
            every file found that is not read (its format, over 256 MiB) is listed with the reason (--strict makes that exit 1). \
            The collection is created if needed. Unchanged documents are skipped, so a re-run resumes an interrupted one. \
            With --vectors, each line is {"id","text","metadata","vector"}. Every batch is one transaction; with --json a line \
            {"event":"committed","ids":[...]} is printed once it is on disk. \
            Parallel loads: N workers, each run with --shard I/N (I = 0..N-1), load every document exactly once, split by a hash \
            of its id; with --url and --embed-locally each worker embeds its own documents and the server only stores them.
            """)
    @OptionGroup var store: StoreOptions
    @OptionGroup var embedding: EmbedderOptions
    @Argument(help: "Files or folders.") var paths: [String]
    @Option(help: "Target collection.") var collection: String
    @Flag(help: "Records carry their own vectors (JSONL).") var vectors = false
    @Option(help: "Records per transaction (with --vectors).") var batch: Int = 256
    @Option(name: .customLong("chunk-tokens"), help: "Most tokens per chunk.") var chunkTokens: Int = 256
    @Option(help: "Tokens repeated from the previous chunk.") var overlap: Int = 32
    @Option(help: "Only files matching this pattern (name, or relative path if it has '/'; ** spans folders).") var glob: String?
    @Flag(help: "Print JSON lines: committed batches, failures, skipped files, and a summary.") var json = false
    @Flag(help: "Exit 1 when any file found was skipped (format, size), not only when one failed to load.") var strict = false
    @Option(help: "Send the documents to a running Kura server (its base URL), which chunks and embeds them (default: $KURA_URL).")
    var url: String? = ProcessInfo.processInfo.environment["KURA_URL"].flatMap { $0.isEmpty ? nil : $0 }
    @Option(name: .customLong("api-key-file"), help: "With --url: a file whose first line is the server's bearer key (default: $KURA_API_KEY).")
    var apiKeyFile: String?
    @Option(help: "Load only this part of the input, I/N (0 <= I < N), split by a hash of each document id (default: all).")
    var shard: String?
    @Flag(name: .customLong("embed-locally"), help: "With --url: chunk and embed here and send the vectors, so the server only stores them.")
    var embedLocally = false
    @Option(help: "Lexical analyzer of a collection this creates (\(AnalyzerName.allCases.map(\.rawValue).joined(separator: ", ")); default auto).")
    var analyzer: String?

    func validate() throws {
        if let analyzer, AnalyzerName(name: analyzer) == nil {
            throw ValidationError("unknown analyzer '\(analyzer)'; use \(AnalyzerName.allCases.map(\.rawValue).joined(separator: ", "))")
        }
        if url != nil && analyzer != nil { throw ValidationError("--analyzer applies to a local data directory; create the collection on the server instead") }
        if url != nil && vectors { throw ValidationError("--vectors loads a local data directory; it cannot be combined with --url") }
        if embedLocally && url == nil { throw ValidationError("--embed-locally applies with --url; a local ingest always embeds here") }
        if let shard {
            do { _ = try Shard(parsing: shard) } catch { throw ValidationError("--shard: \(error)") }
        }
        if let url, !(url.hasPrefix("http://") || url.hasPrefix("https://")) { throw ValidationError("--url must start with http:// or https://") }
        guard batch > 0 else { throw ValidationError("--batch must be positive") }
        guard chunkTokens >= 16 else { throw ValidationError("--chunk-tokens must be at least 16") }
        guard overlap >= 0, overlap < chunkTokens / 2 else { throw ValidationError("--overlap must be at least 0 and under half of --chunk-tokens") }
        guard !paths.isEmpty else { throw ValidationError("give at least one file or folder") }
    }

    func run() throws {
        let part = try shard.map(Shard.init(parsing:)) ?? .all
        if let url {
            var remote = RemoteIngest(base: url, collection: collection, apiKey: try apiKey())
            remote.shard = part
            if embedLocally { remote.local = (try embedding.make(), chunkTokens, overlap) }
            let reporter = IngestReporter(json: json)
            let summary = try remote.run(paths: paths, glob: glob, reporter.handle)
            reporter.finish(summary, collection: collection, server: url)
            try exit(summary)
            return
        }
        let store = try self.store.open()
        if vectors {
            let target = try store.collection(collection)
            for path in paths { try VectorIngest(target: target, batch: batch, json: json, shard: part).run(path) }
            return
        }
        let embedder = try embedding.make(cacheDirectory: store.directory)
        let target = try EmbeddedCollection.open(store, name: collection, embedder: embedder, analyzer: analyzer.flatMap(AnalyzerName.init(name:)))
        var options = IngestPipeline.Options()
        options.chunkTokens = chunkTokens
        options.overlap = overlap
        options.glob = glob
        options.shard = part
        let reporter = IngestReporter(json: json)
        let summary = try IngestPipeline(collection: target, embedder: embedder, options: options).run(paths: paths, reporter.handle)
        reporter.finish(summary, collection: collection)
        try exit(summary)
    }
}

extension Ingest {
    /// Exit 1 when a file failed to load, or with --strict when one was skipped.
    func exit(_ summary: IngestPipeline.Summary) throws {
        if summary.failedFiles > 0 || (strict && !summary.skipped.isEmpty) { throw ExitCode(1) }
    }

    func apiKey() throws -> String? {
        guard let apiKeyFile else { return ProcessInfo.processInfo.environment["KURA_API_KEY"].flatMap { $0.isEmpty ? nil : $0 } }
        guard let text = try? String(contentsOfFile: apiKeyFile, encoding: .utf8),
            let key = text.split(whereSeparator: \.isNewline).first.map({ $0.trimmingCharacters(in: .whitespaces) }), !key.isEmpty
        else { throw KuraError.invalidArgument("\(apiKeyFile): cannot read a key from it") }
        return key
    }
}
