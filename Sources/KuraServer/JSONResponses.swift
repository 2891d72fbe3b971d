import Foundation
import Hummingbird
import KuraCore

/// JSON in and out, and the error body every failure gets: `{"error": {"message", "type"}}`.
enum JSONResponse {
    static func make(_ object: Any, status: HTTPResponse.Status = .ok) -> Response {
        let data = (try? JSONSerialization.data(withJSONObject: object, options: [.sortedKeys, .withoutEscapingSlashes])) ?? Data("{}".utf8)
        return Response(status: status, headers: [.contentType: "application/json"], body: ResponseBody(byteBuffer: ByteBuffer(bytes: data)))
    }

    /// A body already written as JSON.
    static func bytes(_ json: [UInt8], status: HTTPResponse.Status = .ok) -> Response {
        Response(status: status, headers: [.contentType: "application/json"], body: ResponseBody(byteBuffer: ByteBuffer(bytes: json)))
    }

    static func error(_ status: HTTPResponse.Status, _ message: String) -> Response {
        make(["error": ["message": message, "type": errorType(status)]], status: status)
    }

    static func errorType(_ s: HTTPResponse.Status) -> String {
        switch s.code {
        case 400, 422: "invalid_request_error"
        case 401, 403: "authentication_error"
        case 404: "not_found_error"
        case 413: "request_too_large"
        case 409: "conflict_error"
        case 429: "rate_limit_error"
        case 502: "upstream_error"
        default: s.code >= 500 ? "server_error" : "invalid_request_error"
        }
    }

    /// An integer query parameter: `fallback` when absent, a 400 when present but not an integer.
    static func parameter(_ request: Request, _ name: String, default fallback: Int) throws -> Int {
        guard let raw = request.uri.queryParameters.get(name) else { return fallback }
        guard let v = Int(raw) else { throw KuraError.invalidArgument("\(name) must be an integer, got '\(raw)'") }
        return v
    }

    /// The body as `T`, with a clear message when it is not JSON or has the wrong shape.
    static func decode<T: Decodable>(_ type: T.Type, from request: Request, limit: Int) async throws -> T {
        try decode(T.self, from: Data(buffer: try await body(request, limit: limit)))
    }

    static func body(_ request: Request, limit: Int) async throws -> ByteBuffer {
        do { return try await request.body.collect(upTo: limit) } catch {
            throw KuraHTTPError(.contentTooLarge, "the request body is over \(limit) bytes")
        }
    }

    static func decode<T: Decodable>(_ type: T.Type, from data: Data) throws -> T {
        do {
            return try JSONDecoder().decode(T.self, from: data)
        } catch DecodingError.keyNotFound(let key, _) {
            throw KuraHTTPError(.badRequest, "the body lacks the field \"\(key.stringValue)\"")
        } catch DecodingError.typeMismatch(_, let ctx), DecodingError.valueNotFound(_, let ctx) {
            let path = ctx.codingPath.map { $0.intValue.map { "[\($0)]" } ?? $0.stringValue }.joined(separator: ".")
            throw KuraHTTPError(.badRequest, "field \"\(path)\" has the wrong type")
        } catch {
            throw KuraHTTPError(.badRequest, "the body is not valid JSON")
        }
    }
}

/// An error with its HTTP status.
struct KuraHTTPError: Error {
    var status: HTTPResponse.Status
    var message: String
    init(_ status: HTTPResponse.Status, _ message: String) {
        self.status = status
        self.message = message
    }
}

/// Turns every error into a JSON error response: Kura's errors by kind, anything else a 500.
struct JSONErrorMiddleware<Context: RequestContext>: RouterMiddleware {
    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        do {
            return try await next(request, context)
        } catch let e as KuraHTTPError {
            return JSONResponse.error(e.status, e.message)
        } catch let e as KuraError {
            switch e {
            case .invalidArgument(let m): return JSONResponse.error(.badRequest, m)
            case .notFound(let m): return JSONResponse.error(.notFound, m)
            case .conflict(let m): return JSONResponse.error(.conflict, m)
            case .upstream(let m): return JSONResponse.error(.badGateway, m)
            case .capacityExceeded(let m): return JSONResponse.error(.init(code: 507, reasonPhrase: "Insufficient Storage"), m)
            default: return JSONResponse.error(.internalServerError, "\(e)")
            }
        } catch let e as HTTPError {
            return JSONResponse.error(e.status, e.body ?? e.status.reasonPhrase)
        } catch {
            return JSONResponse.error(.internalServerError, "\(error)")
        }
    }
}
