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
/// sources first. Without an index the request passes through untouched.
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
            throw KuraHTTPError(.serviceUnavailable, "no inference server is configured (LLM_INFERENCE_URL or --inference-url); Kura serves retrieval only")
        }
        let raw = try await request.body.collect(upTo: service.maxBodyBytes)
        guard var body = (try? JSONSerialization.jsonObject(with: Data(buffer: raw))) as? [String: Any] else {
            throw KuraHTTPError(.badRequest, "the body is not a JSON object")
        }
        // Even a request passed through must be a chat request: the model server should never be the one
        // to find out that it is not.
        guard let messages = body["messages"] as? [Any], !messages.isEmpty, messages.allSatisfy({ $0 is [String: Any] }) else {
            throw KuraHTTPError(.badRequest, "messages must be a non-empty array of message objects")
        }
        let named = body.removeValue(forKey: "index_name") ?? body.removeValue(forKey: "collection")
        guard named == nil || named is String else { throw KuraHTTPError(.badRequest, "index_name (or collection) must be a string") }
        let index = named as? String
        let ratioValue = body.removeValue(forKey: "context_token_ratio")
        guard ratioValue == nil || ratioValue is Double else { throw KuraHTTPError(.badRequest, "context_token_ratio must be a number") }
        let ratio = (ratioValue as? Double) ?? settings.contextRatio
        let stream = body["stream"] as? Bool ?? false
        guard let index else { return try await forward(body, to: url, stream: stream, sources: nil) }
        guard (0.2...0.8).contains(ratio) else { throw KuraHTTPError(.badRequest, "context_token_ratio must be between 0.2 and 0.8") }
        if let n = body["n"] as? Int, n > 1 { throw KuraHTTPError(.badRequest, "n > 1 is not supported with retrieval") }
        let request = Unchecked(body)
        let prepared = try await blocking { try self.prepare(request.value, index: index, ratio: ratio) }
        return try await forward(prepared.body, to: url, stream: stream, sources: prepared.sources)
    }

    /// Validates the messages, retrieves for the trailing user turn and injects the context.
    func prepare(_ body: [String: Any], index: String, ratio: Double) throws -> Prepared {
        guard var messages = body["messages"] as? [[String: Any]], !messages.isEmpty else {
            throw KuraError.invalidArgument("messages must be a non-empty array")
        }
        for (i, m) in messages.enumerated() {
            guard let role = m["role"] as? String else { throw KuraError.invalidArgument("message \(i) has no role") }
            if role != "assistant" && m["content"] == nil { throw KuraError.invalidArgument("message \(i) has no content") }
        }
        let lastAssistant = messages.lastIndex { ($0["role"] as? String) == "assistant" } ?? -1
        let trailing = messages[(lastAssistant + 1)...].filter { ($0["role"] as? String) == "user" }.compactMap { $0["content"] as? String }
        guard !trailing.isEmpty else { throw KuraError.invalidArgument("no user message follows the last assistant message") }
        let query = trailing.joined(separator: "\n")
        let retriever = try service.retriever(index)
        let counter = service.embedder.tokenCounter
        let prompt = messages.compactMap { $0["content"] as? String }.reduce(0) { $0 + counter.countTokens($1) }
        guard prompt < settings.contextWindow else {
            throw KuraError.invalidArgument("the prompt has about \(prompt) tokens, over the context window of \(settings.contextWindow)")
        }
        let free = min((body["max_tokens"] as? Int).map { settings.contextWindow - $0 } ?? settings.contextWindow, settings.contextWindow - prompt - 150)
        let budget = Int(Double(max(0, free)) * ratio)
        let results = try retriever.search(Retriever.Query(text: query, k: settings.candidates))
        let context = ContextAssembler(counter: counter).assemble(results, budget: budget)
        guard !context.citations.isEmpty else { return Prepared(body: body, sources: []) }
        let instruction = "Answer using the numbered context below when it is relevant, and cite it as [n].\n\nContext:\n" + context.text
        if let first = messages.first, (first["role"] as? String) == "system", let text = first["content"] as? String {
            messages[0]["content"] = text + "\n\n" + instruction
        } else {
            messages.insert(["role": "system", "content": instruction], at: 0)
        }
        var out = body
        out["messages"] = messages
        let byID = Dictionary(results.map { ($0.chunkID, $0) }, uniquingKeysWith: { a, _ in a })
        let sources = context.citations.map { c -> [String: Any] in
            let text = c.chunkIDs.compactMap { byID[$0]?.text }.joined(separator: "\n")
            return [
                "doc_id": c.documentID, "node_id": c.chunkIDs.map(String.init).joined(separator: ","), "text": text, "score": c.score,
                "metadata": ResultJSON.metadata(c.metadata), "n": c.n,
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
        if stream { return try await forwardStream(request, sources: sources) }
        let upstream: HTTPClient.Response
        do { upstream = try await blocking { try client.send(request) } } catch let e as HTTPClient.TransportError {
            throw KuraHTTPError(.badGateway, "the inference server is unreachable: \(e.message)")
        }
        guard let sources, upstream.status == 200, var object = (try? JSONSerialization.jsonObject(with: upstream.body)) as? [String: Any] else {
            let type = upstream.headers["content-type"] ?? "application/json"
            return Response(status: .init(code: upstream.status), headers: [.contentType: type], body: .init(byteBuffer: ByteBuffer(bytes: upstream.body)))
        }
        object["source_nodes"] = sources
        return JSONResponse.make(object)
    }

    /// Streams upstream bytes as they arrive; with retrieval, a first SSE chunk carries `source_nodes`.
    func forwardStream(_ request: HTTPClient.Request, sources: [[String: Any]]?) async throws -> Response {
        let (chunks, continuation) = AsyncStream<Data>.makeStream()
        let status = AsyncStream<Int>.makeStream()
        let client = self.client
        DispatchQueue.global().async {
            var sentStatus = false
            do {
                let result = try client.stream(request) { data in
                    if !sentStatus {
                        status.continuation.yield(200)
                        sentStatus = true
                    }
                    continuation.yield(data)
                    return true
                }
                if !sentStatus { status.continuation.yield(result.status) }
            } catch {
                if !sentStatus { status.continuation.yield(502) }
                continuation.yield(Data("data: {\"error\":{\"message\":\"inference server: \(error)\"}}\n\n".utf8))
            }
            status.continuation.finish()
            continuation.finish()
        }
        var first = status.stream.makeAsyncIterator()
        let code = await first.next() ?? 502
        let prefix = code == 200 ? sourcesEvent(sources) : Data()
        let body = ResponseBody { writer in
            if !prefix.isEmpty { try await writer.write(ByteBuffer(bytes: prefix)) }
            for await data in chunks { try await writer.write(ByteBuffer(bytes: data)) }
            try await writer.finish(nil)
        }
        return Response(status: .init(code: code), headers: [.contentType: "text/event-stream", .cacheControl: "no-cache"], body: body)
    }

    /// `data: {"object":"chat.completion.chunk","choices":[],"source_nodes":[...]}` and a blank line.
    func sourcesEvent(_ sources: [[String: Any]]?) -> Data {
        guard let sources else { return Data() }
        let chunk: [String: Any] = ["id": "kura-sources", "object": "chat.completion.chunk", "choices": [[String: Any]](), "source_nodes": sources]
        return Data("data: ".utf8) + ((try? JSONSerialization.data(withJSONObject: chunk)) ?? Data()) + Data("\n\n".utf8)
    }

    /// `GET /v1/models`, proxied to the inference server.
    func models() async throws -> Response {
        guard let url = settings.modelsURL else { throw KuraHTTPError(.serviceUnavailable, "no inference server is configured") }
        var r = HTTPClient.Request(method: "GET", url: url, timeout: 30)
        if let key = settings.accessSecret { r.headers["Authorization"] = "Bearer \(key)" }
        let request = r
        do {
            let upstream = try await blocking { try client.send(request) }
            return Response(
                status: .init(code: upstream.status), headers: [.contentType: "application/json"], body: .init(byteBuffer: ByteBuffer(bytes: upstream.body)))
        } catch let e as HTTPClient.TransportError {
            throw KuraHTTPError(.badGateway, "the inference server is unreachable: \(e.message)")
        }
    }
}

/// A value handed to a blocking worker that only reads it.
struct Unchecked<T>: @unchecked Sendable {
    let value: T
    init(_ value: T) { self.value = value }
}

/// `POST /v1/embeddings`, served by Kura's own embedder.
enum EmbeddingsRoute {
    struct Body: Decodable {
        var input: Input
        var model: String?
        enum Input: Decodable {
            case one(String)
            case many([String])
            init(from decoder: Decoder) throws {
                let c = try decoder.singleValueContainer()
                if let s = try? c.decode(String.self) { self = .one(s) } else { self = .many(try c.decode([String].self)) }
            }
            var texts: [String] {
                switch self {
                case .one(let s): [s]
                case .many(let a): a
                }
            }
        }
    }

    static func handle(_ request: Request, _ service: KuraService) async throws -> Response {
        let body = try await JSONResponse.decode(Body.self, from: request, limit: service.maxBodyBytes)
        let texts = body.input.texts
        guard !texts.isEmpty, texts.count <= 2048 else { throw KuraError.invalidArgument("input must hold 1 to 2048 texts") }
        let vectors = try await blocking { try service.embedder.embed(texts) }
        let tokens = texts.reduce(0) { $0 + service.embedder.tokenCounter.countTokens($1) }
        return JSONResponse.make([
            "object": "list", "model": service.embedder.id,
            "data": vectors.enumerated().map { ["object": "embedding", "index": $0.offset, "embedding": $0.element.map(Double.init)] as [String: Any] },
            "usage": ["prompt_tokens": tokens, "total_tokens": tokens],
        ])
    }
}
