import Foundation

/// One JSON-RPC 2.0 message posted to the MCP endpoint: a request (method and id), a notification
/// (method, no id) or a response (no method). Batches are not accepted: MCP 2025-06-18 removed them.
struct MCPMessage {
    /// A request id: a string or an integer (MCP forbids null; JSON-RPC discourages fractions).
    enum ID: Decodable, Equatable {
        case string(String)
        case number(Int64)

        init(from decoder: any Decoder) throws {
            let c = try decoder.singleValueContainer()
            if let i = try? c.decode(Int64.self) {
                self = .number(i)
            } else {
                self = .string(try c.decode(String.self))
            }
        }

        var json: Any {
            switch self {
            case .string(let s): s
            case .number(let n): n
            }
        }
    }

    /// A member of `params`, kept as parsed: read as a string, or written back as JSON for a typed decode.
    struct Value {
        let raw: Any
        var string: String? { raw as? String }
        var bytes: Data? { try? JSONSerialization.data(withJSONObject: raw, options: [.fragmentsAllowed]) }
        var isObject: Bool { raw is [String: Any] }
    }

    var id: ID?
    var method: String?
    var params: [String: Value] = [:]

    private struct Envelope: Decodable {
        var id: ID?
        enum CodingKeys: String, CodingKey { case id }
    }

    /// Parses and checks the envelope.
    /// - Throws: `MCPEndpoint.RPCError`: a parse error for a body that is not JSON, an invalid request
    ///   for anything that is not one JSON-RPC 2.0 message with a string method and a valid id.
    init(_ body: Data) throws {
        guard let top = try? JSONSerialization.jsonObject(with: body) else {
            throw MCPEndpoint.RPCError(code: .parseError, message: "the body is not JSON")
        }
        guard let object = top as? [String: Any] else {
            throw MCPEndpoint.RPCError(code: .invalidRequest, message: "send one JSON-RPC message as an object; batches are not supported")
        }
        guard object["jsonrpc"] as? String == "2.0" else { throw MCPEndpoint.RPCError(code: .invalidRequest, message: "jsonrpc must be \"2.0\"") }
        if let m = object["method"] {
            guard let m = m as? String else { throw MCPEndpoint.RPCError(code: .invalidRequest, message: "method must be a string") }
            method = m
        } else if object["result"] == nil && object["error"] == nil {
            throw MCPEndpoint.RPCError(code: .invalidRequest, message: "a message needs a method, or a result or error")
        }
        if object["id"] != nil {
            guard let envelope = try? JSONDecoder().decode(Envelope.self, from: body), let id = envelope.id else {
                throw MCPEndpoint.RPCError(code: .invalidRequest, message: "id must be a string or an integer")
            }
            self.id = id
        }
        if let p = object["params"] {
            guard let p = p as? [String: Any] else { throw MCPEndpoint.RPCError(code: .invalidRequest, message: "params must be an object") }
            params = p.mapValues(Value.init)
        }
    }
}
