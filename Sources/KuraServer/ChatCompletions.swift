import Foundation
import Hummingbird
import KuraCore
import KuraEmbed
import KuraHTTPClient
import KuraRetrieval
import KuraStore

/// `POST /v1/chat/completions`, OpenAI-compatible. With `index_name` (KAITO) or `collection` it retrieves
/// for the trailing user messages, fits the context into the window and puts it into the system prompt,
/// then forwards every other parameter unchanged; `stream: true` streams the upstream SSE back with the
/// sources first. Without an index the request passes through, checked but unchanged. Earlier assistant
/// turns lose their reasoning fields; the model's own reasoning in the answer (`reasoning_content`,
/// `reasoning`) comes back untouched, whole or streamed, and retrieval never reads it. A model server
/// that fails is never answered as a success: its 4xx is passed on, anything else is a 502, as JSON.
struct ChatCompletions: Sendable {
    let service: KuraService
    let settings: InferenceSettings
    let client = HTTPClient()

    /// A retrieval-augmented request, ready to forward.
    struct Prepared: @unchecked Sendable {
        var body: [String: Any]
        var sources: [[String: Any]]
    }

    func handle(_ request: Request) async throws -> Response {
        guard let url = settings.chatURL else {
            throw APIError(.unavailable, "no inference server is configured (LLM_INFERENCE_URL or --inference-url); Kura serves retrieval only")
        }
        let raw = Data(buffer: try await RequestBody.bytes(request, limit: service.maxBodyBytes))
        let chat = try RequestBody.decode(ChatRequest.self, from: raw)
        guard var body = (try? JSONSerialization.jsonObject(with: raw)) as? [String: Any] else {
            throw APIError(.invalidField, "the body must be a JSON object")
        }
        body["index_name"] = nil
        body["collection"] = nil
        body["context_token_ratio"] = nil
        if let messages = body["messages"] as? [[String: Any]] { body["messages"] = Self.withoutReasoning(messages) }
        guard let index = chat.index else { return try await forward(body, to: url, stream: chat.stream, sources: nil) }
        if let n = chat.n, n > 1 { throw APIError.field("n", "must be 1 with retrieval, got \(n)") }
        let forwarded = Unchecked(body)
        let prepared = try await blocking { try self.prepare(forwarded.value, chat, index: index) }
        return try await forward(prepared.body, to: url, stream: chat.stream, sources: prepared.sources)
    }

    /// Reasoning fields a reasoning model (DeepSeek-R1, vLLM's reasoning parsers) put on its earlier
    /// answers, which clients send back with the history: DeepSeek's API rejects a request carrying
    /// them, and they were never meant as prompt. Other fields and other roles pass unchanged.
    static let reasoningFields = ["reasoning_content", "reasoning"]

    static func withoutReasoning(_ messages: [[String: Any]]) -> [[String: Any]] {
        messages.map { m in
            guard m["role"] as? String == "assistant" else { return m }
            var m = m
            for field in reasoningFields { m[field] = nil }
            return m
        }
    }

    /// Retrieves for the trailing user turn and injects the context, within the window left by the
    /// prompt and the answer's `max_tokens`.
    func prepare(_ body: [String: Any], _ chat: ChatRequest, index: String) throws -> Prepared {
        let lastAssistant = chat.messages.lastIndex { $0.role == "assistant" } ?? -1
        let trailing = chat.messages[(lastAssistant + 1)...].filter { $0.role == "user" }.compactMap(\.text)
        guard !trailing.isEmpty else { throw APIError(.badRequest, "no user message with text follows the last assistant message") }
        let retriever = try service.retriever(index)
        let counter = service.embedder.tokenCounter
        let window = settings.contextWindow
        let prompt = chat.messages.compactMap(\.text).reduce(0) { $0 + counter.countTokens($1) }
        guard prompt < window else { throw APIError(.badRequest, "the prompt has about \(prompt) tokens, over the context window of \(window)") }
        // Every term is at most ChatRequest.tokenLimit, so none of this can overflow.
        let free = min(window - (chat.maxTokens ?? 0), window - prompt - 150)
        let budget = Int(Double(max(0, free)) * (chat.contextRatio ?? settings.contextRatio))
        let results = try retriever.search(Retriever.Query(text: trailing.joined(separator: "\n"), k: settings.candidates))
        let context = ContextAssembler(counter: counter).pack(results, budget: budget)
        if let smallest = context.smallestUsefulBudget {
            throw APIError(
                .badRequest,
                "the prompt and max_tokens leave \(budget) tokens for context; the best passage needs \(smallest): shorten the prompt or lower max_tokens")
        }
        guard !context.citations.isEmpty else { return Prepared(body: body, sources: []) }
        var messages = body["messages"] as? [[String: Any]] ?? []
        let instruction = "Answer using the numbered context below when it is relevant, and cite it as [n].\n\nContext:\n" + context.text
        if let first = messages.first, (first["role"] as? String) == "system", let text = first["content"] as? String {
            messages[0]["content"] = text + "\n\n" + instruction
        } else {
            messages.insert(["role": "system", "content": instruction], at: 0)
        }
        var out = body
        out["messages"] = messages
        let byID = Dictionary(results.map { ($0.chunkID, $0) }, uniquingKeysWith: { a, _ in a })
        let sources = try context.citations.map { c -> [String: Any] in
            [
                "doc_id": c.documentID, "node_id": c.chunkIDs.map(String.init).joined(separator: ","),
                "text": c.chunkIDs.compactMap { byID[$0]?.text }.joined(separator: "\n"), "score": c.score,
                "metadata": try ResultJSON.metadata(c.metadata, pages: c.pages),
                "n": c.n,
            ]
        }
        return Prepared(body: out, sources: sources)
    }

    func upstreamRequest(_ body: [String: Any], url: String) throws -> HTTPClient.Request {
        var r = HTTPClient.Request(
            url: url, headers: ["Content-Type": "application/json"], body: try JSONSerialization.data(withJSONObject: body), timeout: settings.timeout)
        if let key = settings.accessSecret { r.headers["Authorization"] = "Bearer \(key)" }
        return r
    }

    func forward(_ body: [String: Any], to url: String, stream: Bool, sources: [[String: Any]]?) async throws -> Response {
        let request = try upstreamRequest(body, url: url)
        if stream { return try await ChatStream(client: client).forward(request, sourcesEvent: ChatStream.sourcesEvent(sources)) }
        let upstream: HTTPClient.Response
        do { upstream = try await blocking { try client.send(request) } } catch let e as HTTPClient.TransportError {
            throw APIError(.upstream, "the inference server is unreachable: \(e.message)")
        }
        guard upstream.status == 200 else { throw Self.failure(status: upstream.status, body: upstream.body) }
        guard var object = (try? JSONSerialization.jsonObject(with: upstream.body)) as? [String: Any] else {
            throw APIError(.upstream, "the inference server answered 200 with a body that is not a JSON object")
        }
        guard let sources else { return JSONResponse.bytes(Array(upstream.body)) }
        object["source_nodes"] = sources
        return try JSONResponse.make(object)
    }

    /// What a model server's non-200 answer means for the client: its 4xx passed on, anything else a 502,
    /// with the server's own message.
    static func failure(status: Int, body: Data) -> APIError {
        let object = (try? JSONSerialization.jsonObject(with: body)) as? [String: Any]
        let said =
            ((object?["error"] as? [String: Any])?["message"] as? String) ?? (object?["error"] as? String) ?? (object?["detail"] as? String)
            ?? (object?["message"] as? String) ?? String(decoding: body.prefix(200), as: UTF8.self)
        let message = "the inference server answered \(status)" + (said.isEmpty ? "" : ": \(said)")
        return (400..<500).contains(status) ? APIError(.upstreamRefused(status), message) : APIError(.upstream, message)
    }

    /// `GET /v1/models`, proxied to the inference server.
    func models() async throws -> Response {
        guard let url = settings.modelsURL else { throw APIError(.unavailable, "no inference server is configured") }
        var r = HTTPClient.Request(method: "GET", url: url, timeout: 30)
        if let key = settings.accessSecret { r.headers["Authorization"] = "Bearer \(key)" }
        let request = r
        let upstream: HTTPClient.Response
        do { upstream = try await blocking { try client.send(request) } } catch let e as HTTPClient.TransportError {
            throw APIError(.upstream, "the inference server is unreachable: \(e.message)")
        }
        guard upstream.status == 200 else { throw Self.failure(status: upstream.status, body: upstream.body) }
        guard (try? JSONSerialization.jsonObject(with: upstream.body)) is [String: Any] else {
            throw APIError(.upstream, "the inference server answered 200 with a body that is not a JSON object")
        }
        return JSONResponse.bytes(Array(upstream.body))
    }
}
