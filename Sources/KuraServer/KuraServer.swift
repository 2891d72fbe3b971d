import Hummingbird
import Logging

/// The HTTP service: Kura's API and health probes on Hummingbird, with JSON errors throughout.
public enum KuraServer {
    public static func router(_ service: KuraService) -> Router<BasicRequestContext> {
        let router = Router()
        router.add(middleware: JSONErrorMiddleware())
        KuraRoutes.add(to: router, service)
        return router
    }

    /// Serves until SIGTERM or SIGINT; then stops accepting, finishes requests in flight and returns.
    public static func run(_ service: KuraService, host: String, port: Int, logger: Logger) async throws {
        let app = Application(router: router(service), configuration: .init(address: .hostname(host, port: port)), logger: logger)
        try await app.runService()
    }
}
