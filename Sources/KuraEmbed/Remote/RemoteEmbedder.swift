import Dispatch
import Foundation
import KuraCore
import KuraHTTPClient
import Synchronization

/// An OpenAI-compatible embedding server (vLLM, TEI, Ollama, KAITO inference pods):
/// `POST {base}/v1/embeddings` with `{"model", "input": [...]}`, answered by `data[].embedding`.
///
/// Texts go in batches bounded by count and by tokens, a few batches in flight at once over kept-alive
/// connections. Connection errors, 429 and 5xx are retried with exponential backoff and jitter; any
/// other failure, a malformed answer or a wrong dimension fails the whole call, so nothing is written.
public final class RemoteEmbedder: Embedder, Sendable {
    /// Where to send texts and how hard to try.
    public struct Configuration: Sendable {
        /// The server's base URL (`http://host:port`, with or without `/v1`).
        public var baseURL: String
        /// The `model` field of each request.
        public var model: String
        /// Sent as `Authorization: Bearer` when set.
        public var apiKey: String?
        /// The dimension the server must return; learned from its first answer when nil.
        public var dimension: Int?
        /// Texts per request at most.
        public var batchSize = 64
        /// Estimated tokens per request at most (a longer text goes alone).
        public var batchTokens = 8192
        /// Requests in flight at once.
        public var concurrency = 4
        /// Seconds one request may take.
        public var timeout: Double = 60
        /// Retries of a request after a connection error, 429 or 5xx.
        public var retries = 4
        /// Backoff's base, seconds: retry n waits a uniform time up to min(`maxBackoff`, `backoff` · 2^n).
        public var backoff: Double = 0.25
        /// The cap on a retry's wait, seconds.
        public var maxBackoff: Double = 8

        /// A configuration with the defaults above.
        public init(baseURL: String, model: String, apiKey: String? = nil, dimension: Int? = nil) {
            self.baseURL = baseURL
            self.model = model
            self.apiKey = apiKey
            self.dimension = dimension
        }
    }

    /// The configuration given.
    public let configuration: Configuration
    /// The embeddings URL requests go to (the base URL with `/v1/embeddings`).
    public let endpoint: String
    private let client = HTTPClient()
    private let learned = Mutex<Int?>(nil)

    /// An embedder for `configuration`; nothing is sent yet.
    /// - Throws: `KuraError.invalidArgument` when the base URL is not an http(s) URL with a host.
    public init(configuration: Configuration) throws {
        var base = configuration.baseURL
        while base.hasSuffix("/") { base.removeLast() }
        guard let url = URL(string: base), let scheme = url.scheme, ["http", "https"].contains(scheme), url.host != nil else {
            throw KuraError.invalidArgument("embedding server URL '\(configuration.baseURL)' is not an http(s) URL")
        }
        endpoint = base.hasSuffix("/v1") ? base + "/embeddings" : base + "/v1/embeddings"
        self.configuration = configuration
    }

    /// `openai:` and the model's name.
    public var id: String { "openai:\(configuration.model)" }
    /// The configured dimension, else the one learnt from the first answer, else 0.
    public var dimension: Int { configuration.dimension ?? learned.withLock { $0 } ?? 0 }
    /// Words and punctuation marks (the server's tokenizer is unknown).
    public var tokenCounter: any TokenCounter { WordTokenCounter() }

    /// The dimension, asking the server with a one-word request when it is not known yet.
    public func resolvedDimension() throws -> Int {
        if dimension > 0 { return dimension }
        return try embed(["dimension"])[0].count
    }

    /// One vector per text, in order, from batched requests.
    /// - Throws: `KuraError.upstream` when a request still fails after its retries, an answer is malformed,
    /// or the vectors' dimension is not the expected one; nothing partial is returned.
    public func embed(_ texts: [String]) throws -> [[Float]] {
        let batches = plan(texts)
        guard !batches.isEmpty else { return [] }
        let failure = Mutex<(any Error)?>(nil)
        let next = Atomic<Int>(0)
        let slots = Mutex([[[Float]]?](repeating: nil, count: batches.count))
        DispatchQueue.concurrentPerform(iterations: min(configuration.concurrency, batches.count)) { _ in
            while failure.withLock({ $0 == nil }) {
                let b = next.wrappingAdd(1, ordering: .relaxed).oldValue
                guard b < batches.count else { return }
                do {
                    let vectors = try send(Array(texts[batches[b]]))
                    slots.withLock { $0[b] = vectors }
                } catch {
                    failure.withLock { if $0 == nil { $0 = error } }
                }
            }
        }
        if let error = failure.withLock({ $0 }) { throw error }
        return slots.withLock { $0.flatMap { $0! } }
    }

    /// Consecutive ranges of at most `batchSize` texts and about `batchTokens` tokens.
    func plan(_ texts: [String]) -> [Range<Int>] {
        var out: [Range<Int>] = []
        var start = 0, tokens = 0
        let counter = WordTokenCounter()
        for (i, t) in texts.enumerated() {
            let n = counter.countTokens(t) + 2
            if i > start && (i - start == configuration.batchSize || tokens + n > configuration.batchTokens) {
                out.append(start..<i)
                start = i
                tokens = 0
            }
            tokens += n
        }
        if start < texts.count { out.append(start..<texts.count) }
        return out
    }

    /// One batch, with retries on connection errors, 429 and 5xx.
    private func send(_ texts: [String]) throws -> [[Float]] {
        let body = try JSONSerialization.data(
            withJSONObject: ["model": configuration.model, "input": texts] as [String: Any], options: [.withoutEscapingSlashes])
        var request = HTTPClient.Request(
            url: endpoint, headers: ["Content-Type": "application/json", "Accept": "application/json"], body: body,
            timeout: configuration.timeout)
        if let key = configuration.apiKey, !key.isEmpty { request.headers["Authorization"] = "Bearer \(key)" }
        var attempt = 0
        while true {
            let retryable: String
            do {
                let response = try client.send(request)
                if response.status == 200 { return try decode(response.body, expected: texts.count) }
                let message = Self.serverMessage(response.body)
                guard response.status == 429 || response.status >= 500 else {
                    throw KuraError.upstream("embedding server \(endpoint) answered \(response.status): \(message)")
                }
                retryable = "answered \(response.status): \(message)"
            } catch let e as HTTPClient.TransportError {
                retryable = "is unreachable: \(e.message)"
            }
            attempt += 1
            guard attempt <= configuration.retries else {
                throw KuraError.upstream("embedding server \(endpoint) \(retryable) (gave up after \(attempt) attempts)")
            }
            Thread.sleep(forTimeInterval: delay(attempt))
        }
    }

    /// Exponential backoff with full jitter: uniform in [0, min(max, base · 2^attempt)].
    func delay(_ attempt: Int) -> Double {
        Double.random(in: 0...min(configuration.maxBackoff, configuration.backoff * Double(1 << min(attempt, 20))))
    }

    private func decode(_ body: Data, expected: Int) throws -> [[Float]] {
        func bad(_ why: String) -> KuraError { .upstream("embedding server \(endpoint) sent a malformed response: \(why)") }
        guard let root = try? JSONSerialization.jsonObject(with: body) as? [String: Any], let data = root["data"] as? [[String: Any]] else {
            throw bad("no data array")
        }
        guard data.count == expected else { throw bad("\(data.count) embeddings for \(expected) inputs") }
        var out = [[Float]](repeating: [], count: expected)
        for (i, item) in data.enumerated() {
            let index = (item["index"] as? Int) ?? i
            guard index >= 0, index < expected, out[index].isEmpty else { throw bad("index \(index) is out of range or repeated") }
            guard let values = item["embedding"] as? [NSNumber] else { throw bad("item \(i) has no numeric embedding array") }
            let v = values.map { $0.floatValue }
            guard v.allSatisfy(\.isFinite), !v.isEmpty else { throw bad("item \(i) has non-finite or no values") }
            out[index] = v
        }
        try checkDimension(out[0].count)
        for v in out where v.count != out[0].count { throw bad("embeddings of different lengths (\(v.count) and \(out[0].count))") }
        return out
    }

    private func checkDimension(_ got: Int) throws {
        let want =
            configuration.dimension
            ?? learned.withLock { l in
                if l == nil { l = got }
                return l!
            }
        guard got == want else {
            throw KuraError.upstream("embedding server \(endpoint) returned dimension \(got), expected \(want)")
        }
    }

    /// The error message an OpenAI-style server put in its body, or the body's start.
    static func serverMessage(_ body: Data) -> String {
        if let o = try? JSONSerialization.jsonObject(with: body) as? [String: Any] {
            if let e = o["error"] as? [String: Any], let m = e["message"] as? String { return m }
            if let m = (o["error"] as? String) ?? (o["message"] as? String) ?? (o["detail"] as? String) { return m }
        }
        let text = String(decoding: body.prefix(300), as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
        return text.isEmpty ? "(empty body)" : text
    }
}
