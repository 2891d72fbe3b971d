import Foundation
import HTTPTypes
import Hummingbird
import KuraCore

/// Every failure a route answers with, and the one place that decides its HTTP status.
///
/// Routes throw it, or any other error, which ``init(_:)`` maps: a `KuraError` by its case, a
/// Hummingbird `HTTPError` by its status, anything else as a 500. ``ErrorMiddleware`` renders it in one
/// of two shapes, ``Shape/kura`` or ``Shape/kaito``; both come from the same ``kind``, so a full disk is
/// 507 on every route and only a failed field check differs (KAITO answers it 422, as FastAPI does).
public struct APIError: Error, Sendable, CustomStringConvertible {
    /// What went wrong, which alone decides the status.
    public enum Kind: Sendable, Equatable {
        /// A body field or query parameter of the wrong type or out of range: 400, 422 on KAITO's routes.
        case invalidField
        /// A well-formed request that cannot be served as asked (an empty query, an unknown mode): 400.
        case badRequest
        case unauthorized
        case notFound
        case methodNotAllowed
        case conflict
        case tooLarge
        /// A body in a format no loader reads: 415.
        case unsupportedMediaType
        /// The model server refused the request with this 4xx status; it is passed on.
        case upstreamRefused(Int)
        /// The model or embedding server failed, was unreachable, or answered something unusable: 502.
        case upstream
        /// What the request needs is not configured or not ready: 503.
        case unavailable
        /// The disk is full; nothing of the write was kept: 507.
        case storageFull
        /// A fault of Kura's own: 500.
        case `internal`
    }

    /// The two renderings of one decision.
    public enum Shape: Sendable {
        /// `{"error": {"message", "type"}}`, as OpenAI-compatible servers answer.
        case kura
        /// `{"detail": message}`, as KAITO's RAGEngine (FastAPI) answers.
        case kaito
    }

    /// What went wrong.
    public var kind: Kind
    /// The message answered, for people.
    public var message: String

    /// An error of `kind` answered with `message`.
    public init(_ kind: Kind, _ message: String) {
        self.kind = kind
        self.message = message
    }

    /// A failed field check naming `field`, for example `k must be an integer between 1 and 1000, got 1e+300`.
    public static func field(_ field: String, _ problem: String) -> APIError { APIError(.invalidField, "\(field) \(problem)") }

    /// Maps any error to the failure it means for a client.
    public init(_ error: any Error) {
        switch error {
        case let e as APIError: self = e
        case let e as KuraError: self = Self.from(e)
        case let e as HTTPError: self = Self.from(e)
        case let e as DecodingError: self = RequestBody.describe(e)
        default: self = APIError(.internal, "\(error)")
        }
    }

    private static func from(_ e: KuraError) -> APIError {
        switch e {
        case .invalidArgument(let m): APIError(.badRequest, m)
        case .notFound(let m): APIError(.notFound, m)
        case .conflict(let m): APIError(.conflict, m)
        case .upstream(let m): APIError(.upstream, m)
        case .capacityExceeded(let m): APIError(.storageFull, m)
        case .corruptFile, .io: APIError(.internal, e.description)
        }
    }

    private static func from(_ e: HTTPError) -> APIError {
        let message = e.body ?? e.status.reasonPhrase
        return switch e.status.code {
        case 401: APIError(.unauthorized, message)
        case 404: APIError(.notFound, message)
        case 405: APIError(.methodNotAllowed, message)
        case 413: APIError(.tooLarge, message)
        case 400..<500: APIError(.badRequest, message)
        default: APIError(.internal, message)
        }
    }

    /// The HTTP status for `kind` in `shape`.
    public func status(_ shape: Shape = .kura) -> HTTPResponse.Status {
        switch kind {
        case .invalidField: shape == .kaito ? .unprocessableContent : .badRequest
        case .badRequest: .badRequest
        case .unauthorized: .unauthorized
        case .notFound: .notFound
        case .methodNotAllowed: .methodNotAllowed
        case .conflict: .conflict
        case .tooLarge: .contentTooLarge
        case .unsupportedMediaType: .unsupportedMediaType
        case .upstreamRefused(let code): HTTPResponse.Status(code: (400..<500).contains(code) ? code : 502)
        case .upstream: .badGateway
        case .unavailable: .serviceUnavailable
        case .storageFull: HTTPResponse.Status(code: 507, reasonPhrase: "Insufficient Storage")
        case .internal: .internalServerError
        }
    }

    /// The OpenAI-style error type of Kura's shape.
    public var type: String {
        switch kind {
        case .invalidField, .badRequest, .methodNotAllowed, .unsupportedMediaType: "invalid_request_error"
        case .unauthorized: "authentication_error"
        case .notFound: "not_found_error"
        case .conflict: "conflict_error"
        case .tooLarge: "request_too_large"
        case .upstreamRefused(let code): code == 429 ? "rate_limit_error" : "upstream_error"
        case .upstream: "upstream_error"
        case .unavailable: "service_unavailable"
        case .storageFull: "insufficient_storage"
        case .internal: "server_error"
        }
    }

    /// The error as a JSON response in `shape`.
    public func response(_ shape: Shape) -> Response { JSONResponse.bytes(body(shape), status: status(shape)) }

    /// The JSON body in `shape`.
    func body(_ shape: Shape) -> [UInt8] {
        var w = JSONWriter(capacity: message.utf8.count + 64)
        switch shape {
        case .kura:
            w.raw("{\"error\":{\"message\":")
            w.string(message)
            w.raw(",\"type\":")
            w.string(type)
            w.raw("}}")
        case .kaito:
            w.raw("{\"detail\":")
            w.string(message)
            w.raw("}")
        }
        return w.bytes
    }

    /// The message.
    public var description: String { message }
}
