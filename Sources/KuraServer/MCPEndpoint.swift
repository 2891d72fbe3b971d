import Foundation
import HTTPTypes
import Hummingbird
import KuraCore

/// The MCP endpoint at `/mcp`: JSON-RPC 2.0 over the streamable HTTP transport in its stateless form.
/// Each POST carries one message; a request is answered with its JSON-RPC response as
/// `application/json`, a notification or response with 202. No session is kept, so a client may send
/// `Mcp-Session-Id` or not; `GET` (a server-to-client stream) and `DELETE` (ending a session) are
/// answered 405, as the transport allows. Methods: `initialize`, `ping`, `tools/list`, `tools/call`.
/// The version a request speaks is its `MCP-Protocol-Version` header, 2025-03-26 when absent (the
/// spec's rule); from 2025-06-18 on, tools carry output schemas and results `structuredContent`.
///
/// Every request is answered once, whatever its id: an envelope that is not JSON-RPC gets an error
/// response with a null id, never a dropped or hung request.
enum MCPEndpoint {
    /// Newest first; `initialize` answers with the client's version when it is here, else the newest.
    static let protocolVersions = ["2025-11-25", "2025-06-18", "2025-03-26", "2024-11-05"]

    /// The first version whose tools have `outputSchema` and whose results have `structuredContent`.
    static let structuredSince = "2025-06-18"

    /// JSON-RPC error codes.
    enum Code: Int {
        case parseError = -32700
        case invalidRequest = -32600
        case methodNotFound = -32601
        case invalidParams = -32602
    }

    struct RPCError: Error {
        var code: Code
        var message: String
    }

    static func route(_ request: Request, service: KuraService) async throws -> Response {
        guard request.method == .post else {
            var r = answer(
                nil, error: RPCError(code: .invalidRequest, message: "this endpoint is stateless: POST JSON-RPC messages"), status: .methodNotAllowed)
            r.headers[.allow] = "POST"
            return r
        }
        if let origin = request.headers[.origin], !isLocal(origin) {
            return answer(nil, error: RPCError(code: .invalidRequest, message: "requests from origin \(origin.prefix(100)) are refused"), status: .forbidden)
        }
        let version = request.headers[HTTPField.Name("MCP-Protocol-Version")!] ?? "2025-03-26"
        guard protocolVersions.contains(version) else {
            return answer(nil, error: RPCError(code: .invalidRequest, message: "unsupported MCP-Protocol-Version \(version.prefix(40))"), status: .badRequest)
        }
        let body = Data(buffer: try await RequestBody.bytes(request, limit: service.maxBodyBytes))
        let message: MCPMessage
        do { message = try MCPMessage(body) } catch let e as RPCError { return answer(nil, error: e, status: .badRequest) }
        guard let method = message.method, let id = message.id else { return Response(status: .accepted) }
        do {
            let structured = version >= structuredSince  // ISO dates order as strings
            return answer(id, result: try await result(method, params: message.params, structured: structured, service: service))
        } catch let e as RPCError {
            return answer(id, error: e, status: .ok)
        }
    }

    /// The result of a request, or an `RPCError` for the client; `structured` adds output schemas and
    /// `structuredContent` (the client speaks 2025-06-18 or later).
    static func result(_ method: String, params: [String: MCPMessage.Value], structured: Bool, service: KuraService) async throws -> Any {
        switch method {
        case "initialize":
            let asked = params["protocolVersion"]?.string
            return [
                "protocolVersion": asked.flatMap { protocolVersions.contains($0) ? $0 : nil } ?? protocolVersions[0],
                "capabilities": ["tools": ["listChanged": false]], "serverInfo": ["name": "kura", "version": "0.1"],
                "instructions": "Search Kura's collections with `search`; get a cited context for a question with `get_context`.",
            ]
        case "ping":
            return [String: Any]()
        case "tools/list":
            return ["tools": MCPTools.definitions(structured: structured)]
        case "tools/call":
            guard let name = params["name"]?.string else { throw RPCError(code: .invalidParams, message: "tools/call needs a string \"name\"") }
            guard MCPTools.names.contains(name) else { throw RPCError(code: .invalidParams, message: "unknown tool '\(name.prefix(64))'") }
            if let a = params["arguments"], !a.isObject { return toolResult("arguments must be an object", isError: true) }
            let arguments = params["arguments"]?.bytes ?? Data("{}".utf8)
            do {
                let output = try await blockingUnchecked { try MCPTools.call(name, arguments: arguments, service) }
                var result = toolResult(output.text, isError: false)
                if structured { result["structuredContent"] = output.structured }
                return result
            } catch {
                return toolResult(APIError(error).message, isError: true)
            }
        default:
            throw RPCError(code: .methodNotFound, message: "method '\(method.prefix(64))' is not supported")
        }
    }

    static func toolResult(_ text: String, isError: Bool) -> [String: Any] {
        ["content": [["type": "text", "text": text]], "isError": isError]
    }

    static func answer(_ id: MCPMessage.ID?, result: Any) -> Response {
        encode(["jsonrpc": "2.0", "id": id?.json ?? NSNull(), "result": result], status: .ok)
    }

    static func answer(_ id: MCPMessage.ID?, error: RPCError, status: HTTPResponse.Status) -> Response {
        encode(["jsonrpc": "2.0", "id": id?.json ?? NSNull(), "error": ["code": error.code.rawValue, "message": error.message]], status: status)
    }

    private static func encode(_ object: [String: Any], status: HTTPResponse.Status) -> Response {
        do {
            return try JSONResponse.make(object, status: status)
        } catch {
            return APIError(.internal, "the MCP answer could not be encoded").response(.kura)
        }
    }

    /// Whether an `Origin` names this machine (DNS rebinding protection: browsers send one cross-site).
    static func isLocal(_ origin: String) -> Bool {
        guard let host = URLComponents(string: origin)?.host else { return false }
        return ["localhost", "127.0.0.1", "::1", "[::1]"].contains(host.lowercased())
    }
}
