import Hummingbird
import KuraStore
import Logging
import NIOCore
import NIOPosix

/// The HTTP service: Kura's API and health probes on Hummingbird, with JSON errors throughout.
public enum KuraServer {
    /// Every route (Kura's API, KAITO's, chat completions, embeddings, MCP, health and metrics) over
    /// `service`, with metrics, API keys and JSON errors as middleware.
    public static func router(
        _ service: KuraService, inference: InferenceSettings = InferenceSettings(), keys: APIKeys = APIKeys([])
    )
        -> Router<BasicRequestContext>
    {
        let router = Router()
        router.add(middleware: MetricsMiddleware(metrics: service.metrics))
        router.add(middleware: APIKeyMiddleware(keys: keys))
        router.add(middleware: ErrorMiddleware(shape: .kura))
        KuraRoutes.add(to: router, service)
        KAITORoutes.add(to: router, service, persistRoot: service.store.directory + "/persist")
        let chat = ChatCompletions(service: service, settings: inference)
        router.post("/v1/chat/completions") { request, _ in try await chat.handle(request) }
        router.get("/v1/models") { _, _ in try await chat.models() }
        router.post("/v1/embeddings") { request, _ in try await EmbeddingsRoute.handle(request, service) }
        for method in [HTTPRequest.Method.post, .get, .delete] {
            router.on("/mcp", method: method) { request, _ in try await MCPEndpoint.route(request, service: service) }
        }
        router.get("/metrics") { _, _ in
            let text = try await blocking { service.metrics.scrape(service.store) }
            return Response(status: .ok, headers: [.contentType: "text/plain; version=0.0.4"], body: .init(byteBuffer: ByteBuffer(string: text)))
        }
        router.get("/openapi.yaml") { _, _ in
            Response(status: .ok, headers: [.contentType: "application/yaml"], body: .init(byteBuffer: ByteBuffer(string: OpenAPIDocument.yaml)))
        }
        return router
    }

    /// Runs Swift concurrency on the server's event-loop threads, so a handler resumes on the thread that
    /// read its request instead of hopping to the cooperative pool and back: on 2 cores this is most of
    /// the per-request overhead of a vector query. Call once, before serving; false if it could not be done.
    @discardableResult
    public static func runTasksOnEventLoops() -> Bool {
        NIOSingletons.unsafeTryInstallSingletonPosixEventLoopGroupAsConcurrencyGlobalExecutor()
    }

    /// Serves until SIGTERM or SIGINT; then stops accepting, finishes requests in flight and returns.
    /// With `compactIdle`, collections are compacted in the background once they have had no write for
    /// that many seconds (checked every `compactIdle / 4`, at least each second); a compaction running
    /// at shutdown finishes first.
    public static func run(
        _ service: KuraService, inference: InferenceSettings, keys: APIKeys, host: String, port: Int, compactIdle: Double? = nil, logger: Logger
    ) async throws {
        let app = Application(
            router: router(service, inference: inference, keys: keys), configuration: .init(address: .hostname(host, port: port)), logger: logger)
        let maintenance = compactIdle.map { idle in Task { await compactWhenIdle(service.store, idle: idle, logger: logger) } }
        defer { maintenance?.cancel() }
        try await app.runService()
        maintenance?.cancel()
        await maintenance?.value
    }

    static func compactWhenIdle(_ store: Store, idle: Double, logger: Logger) async {
        let period = Duration.milliseconds(Int(max(1, idle / 4) * 1000))
        while (try? await Task.sleep(for: period)) != nil {
            do {
                let done = try await blocking { try store.compactIdle(idle: idle) }
                if !done.isEmpty { logger.info("compacted \(done.joined(separator: ", "))") }
            } catch {
                logger.error("background compaction failed: \(error)")
            }
        }
    }
}
