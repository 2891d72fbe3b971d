import ArgumentParser
import Foundation
import KuraServer
import Logging

struct Serve: AsyncParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Serve the HTTP API until SIGTERM (graceful: requests in flight finish).")
    @OptionGroup var store: StoreOptions
    @OptionGroup var embedding: EmbedderOptions
    @Option(help: "Address to listen on.") var host: String = "0.0.0.0"
    @Option(help: "Port to listen on.") var port: Int = 5000
    @Option(name: .customLong("inference-url"), help: "OpenAI-compatible model server for chat completions (default: $LLM_INFERENCE_URL).")
    var inferenceURL: String?
    @Option(name: .customLong("api-key-file"), help: "Require a bearer key from this file (one per line) on every route but the health probes.")
    var apiKeyFile: String?
    @Option(
        name: .customLong("compact-idle"),
        help: "Compact a collection in the background once it has had no write for this many seconds (0: never).")
    var compactIdle: Double = 60

    func validate() throws {
        guard (0...65535).contains(port) else { throw ValidationError("--port must be between 0 and 65535") }
        guard compactIdle >= 0, compactIdle.isFinite else { throw ValidationError("--compact-idle must be 0 or more seconds") }
    }

    func run() async throws {
        // An escape hatch for the unsafe executor hook: KURA_EVENT_LOOP_TASKS=0 keeps the default pool.
        if ProcessInfo.processInfo.environment["KURA_EVENT_LOOP_TASKS"] != "0" { KuraServer.runTasksOnEventLoops() }
        var logger = Logger(label: "kura")
        logger.logLevel = .info
        let opened = try store.open()
        let service = KuraService(store: opened, embedder: try embedding.make(cacheDirectory: opened.directory))
        logger.info("serving \(store.resolved) on \(host):\(port) with embedder \(service.embedder.id)")
        var inference = InferenceSettings(environment: ProcessInfo.processInfo.environment)
        if let inferenceURL { inference.url = inferenceURL }
        let keys = try apiKeyFile.map { try APIKeys(file: $0) } ?? APIKeys([])
        try await KuraServer.run(
            service, inference: inference, keys: keys, host: host, port: port, compactIdle: compactIdle > 0 ? compactIdle : nil, logger: logger)
        // Every acknowledged write is already committed; folding the WAL in leaves one self-contained file.
        try service.store.checkpoint()
        logger.info("stopped: requests in flight finished, store closed")
    }
}
