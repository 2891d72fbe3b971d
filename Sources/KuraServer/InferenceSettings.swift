import Foundation

/// Where chat completions go, and how much of the model's window retrieved context may fill. Read from
/// the environment variables a KAITO RAGEngine reads, overridable on the command line.
public struct InferenceSettings: Sendable {
    /// LLM_INFERENCE_URL: an OpenAI-compatible server (`http://host:port`, or a full `/chat/completions` URL).
    public var url: String?
    /// LLM_ACCESS_SECRET: sent as a bearer token.
    public var accessSecret: String?
    /// LLM_CONTEXT_WINDOW: the model's context window in tokens.
    public var contextWindow = 64000
    /// RAG_CONTEXT_TOKEN_FILL_RATIO: the share of the free window retrieved context may take (0.2-0.8).
    public var contextRatio = 0.5
    /// Chunks retrieved per chat turn before the budget is applied.
    public var candidates = 20
    /// Seconds a chat completion may take upstream.
    public var timeout: Double = 300

    /// No inference server; the defaults above.
    public init() {}

    /// Reads the variables above from `env`; a value that does not parse or is out of range keeps the default.
    public init(environment env: [String: String]) {
        url = env["LLM_INFERENCE_URL"].flatMap { $0.isEmpty ? nil : $0 }
        accessSecret = env["LLM_ACCESS_SECRET"].flatMap { $0.isEmpty ? nil : $0 }
        // Past 2^30 tokens no model has a window; the bound keeps the budget arithmetic far from overflow.
        if let w = env["LLM_CONTEXT_WINDOW"].flatMap(Int.init), (1...ChatRequest.tokenLimit).contains(w) { contextWindow = w }
        if let r = env["RAG_CONTEXT_TOKEN_FILL_RATIO"].flatMap(Double.init), (0.2...0.8).contains(r) { contextRatio = r }
    }

    /// The chat completions endpoint under `url`.
    var chatURL: String? {
        guard var u = url else { return nil }
        if u.contains("/chat/completions") { return u }
        while u.hasSuffix("/") { u.removeLast() }
        return u.hasSuffix("/v1") ? u + "/chat/completions" : u + "/v1/chat/completions"
    }

    /// The models endpoint beside the chat endpoint.
    var modelsURL: String? {
        guard let chat = chatURL, let r = chat.range(of: "/chat/completions") else { return nil }
        return String(chat[..<r.lowerBound]) + "/models"
    }
}
