import Foundation
import KuraStore

/// The parameters of a chat completion that Kura reads, decoded and checked (see ``RequestBody``);
/// everything else in the body is forwarded to the model server as it came.
struct ChatRequest: Decodable {
    struct Message: Decodable {
        var role: String
        var content: JSONValue?

        /// The text of the content: a string, or the text parts of an array of parts.
        var text: String? {
            switch content {
            case .string(let s): return s
            case .array(let parts):
                let texts = parts.compactMap { part -> String? in
                    guard case .object(let o) = part, case .string(let t)? = o["text"] else { return nil }
                    return t
                }
                return texts.isEmpty ? nil : texts.joined(separator: "\n")
            default: return nil
            }
        }
    }

    var messages: [Message]
    /// `index_name` (KAITO) or `collection`: the collection to retrieve from.
    var index: String?
    var stream: Bool
    var n: Int?
    /// `max_tokens`, or `max_completion_tokens` (its newer name).
    var maxTokens: Int?
    /// The share of the free window the context may take (0.2-0.8).
    var contextRatio: Double?

    /// The largest `max_tokens` and context window taken: far past any model's, and small enough that
    /// no budget arithmetic on them can overflow.
    static let tokenLimit = 1 << 30

    enum CodingKeys: String, CodingKey {
        case messages, collection, stream, n
        case indexName = "index_name"
        case maxTokens = "max_tokens"
        case maxCompletionTokens = "max_completion_tokens"
        case contextRatio = "context_token_ratio"
    }

    init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        messages = try c.decode([Message].self, forKey: .messages)
        guard !messages.isEmpty else { throw APIError.field("messages", "must hold at least one message") }
        let named: String? = try c.optional(.indexName)
        index = try named ?? c.optional(.collection)
        stream = try c.optional(.stream) ?? false
        n = try c.integer(.n, in: 1...128)
        maxTokens = try c.integer(.maxTokens, in: 1...Self.tokenLimit) ?? c.integer(.maxCompletionTokens, in: 1...Self.tokenLimit)
        contextRatio = try c.number(.contextRatio, in: 0.2...0.8)
    }
}
