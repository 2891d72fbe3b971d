import Hummingbird

/// Turns every error thrown below it into a JSON error response through ``APIError``: Kura's routes
/// render it as `{"error"}`, KAITO's as `{"detail"}`.
struct ErrorMiddleware<Context: RequestContext>: RouterMiddleware {
    let shape: APIError.Shape

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        do {
            return try await next(request, context)
        } catch {
            return APIError(error).response(shape)
        }
    }
}
