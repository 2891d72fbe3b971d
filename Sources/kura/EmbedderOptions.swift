import ArgumentParser
import Foundation
import KuraEmbed

/// The embedder options shared by `ingest`, `embed`, `query` and `serve`.
struct EmbedderOptions: ParsableArguments {
    @Option(
        help: ArgumentHelp(
            "minilm (native), openai (a remote /v1/embeddings server) or hash (tests). Default: $KURA_EMBEDDER, else openai when "
                + "EMBEDDING_SOURCE_TYPE (or EMBEDDING_TYPE) is remote, as a KAITO RAGEngine sets it, else minilm."))
    var embedder: String = EmbedderOptions.defaultKind(ProcessInfo.processInfo.environment)

    static func defaultKind(_ env: [String: String]) -> String {
        if let k = env["KURA_EMBEDDER"], !k.isEmpty { return k }
        let source = (env["EMBEDDING_SOURCE_TYPE"] ?? env["EMBEDDING_TYPE"] ?? "").lowercased()
        return source == "remote" ? "openai" : "minilm"
    }
    @Option(name: .customLong("model-dir"), help: "The native model's folder (default: $KURA_MODEL_DIR, else models/all-MiniLM-L6-v2).")
    var modelDir: String?
    @Option(name: .customLong("embed-url"), help: "Base URL of an OpenAI-compatible embedding server (default: $REMOTE_EMBEDDING_URL).")
    var embedURL: String?
    @Option(name: .customLong("embed-model"), help: "The model name sent to that server.")
    var embedModel: String?
    @Option(name: .customLong("embed-dimension"), help: "The dimension the embedder must produce (hash: its width).")
    var embedDimension: Int?
    @Option(help: "Embedding threads (default: all cores).")
    var threads: Int?

    func validate() throws {
        guard EmbedderSettings.Kind(rawValue: embedder) != nil else {
            throw ValidationError("unknown embedder '\(embedder)'; use minilm, openai or hash")
        }
        if let threads, threads < 1 { throw ValidationError("--threads must be at least 1") }
        if let embedDimension, embedDimension < 1 { throw ValidationError("--embed-dimension must be positive") }
    }

    var settings: EmbedderSettings {
        let env = ProcessInfo.processInfo.environment
        var s = EmbedderSettings()
        s.kind = EmbedderSettings.Kind(rawValue: embedder) ?? .minilm
        s.modelDirectory = MiniLMEmbedder.modelDirectory(modelDir, environment: env)
        s.url = embedURL ?? env["REMOTE_EMBEDDING_URL"]
        s.model = embedModel ?? env["REMOTE_EMBEDDING_MODEL"]
        s.apiKey = env["KURA_EMBED_API_KEY"] ?? env["REMOTE_EMBEDDING_ACCESS_SECRET"]
        s.dimension = embedDimension
        if let threads { s.threads = threads }
        return s
    }

    /// The embedder; a native one caches its precision measurement in `cacheDirectory` (a data directory).
    func make(cacheDirectory: String? = nil) throws -> any Embedder {
        var s = settings
        s.cacheDirectory = cacheDirectory
        return try s.make()
    }
}
