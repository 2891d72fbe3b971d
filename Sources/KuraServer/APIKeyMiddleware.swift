import Foundation
import Hummingbird
import KuraCore

/// Answers 401 to a request without a valid bearer key when keys are configured; the health probes stay open.
struct APIKeyMiddleware<Context: RequestContext>: RouterMiddleware {
    let keys: APIKeys

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        if keys.keys.isEmpty || APIKeys.open.contains(request.uri.path) || keys.accepts(request.headers[.authorization]) {
            return try await next(request, context)
        }
        var r = APIError(.unauthorized, "a valid API key is required: send Authorization: Bearer <key>").response(.kura)
        r.headers[.wwwAuthenticate] = "Bearer"
        return r
    }
}
