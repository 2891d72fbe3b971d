import Foundation
import KuraCore
import KuraTesting
import Testing

@testable import KuraEmbed

/// The OpenAI-compatible embedder against a real HTTP server on loopback, with injected faults.
@Suite(.serialized) struct RemoteEmbedderTests {
    let server: FakeOpenAIServer

    init() throws { server = try FakeOpenAIServer(dimension: 8) }

    func embedder(
        _ model: String = "m", dimension: Int? = 8, retries: Int = 3, timeout: Double = 10, concurrency: Int = 4, key: String? = nil
    ) throws
        -> RemoteEmbedder
    {
        var c = RemoteEmbedder.Configuration(baseURL: server.baseURL, model: model, apiKey: key, dimension: dimension)
        c.retries = retries
        c.backoff = 0.01
        c.timeout = timeout
        c.concurrency = concurrency
        return try RemoteEmbedder(configuration: c)
    }

    func texts(_ n: Int) -> [String] { (0..<n).map { "passage number \($0) about pods" } }

    @Test func batchesKeepInputOrderAndReuseConnections() throws {
        let e = try embedder(concurrency: 1)
        let input = texts(150)
        let vectors = try e.embed(input)
        #expect(vectors.count == 150 && vectors.allSatisfy { $0.count == 8 })
        let reversed = try e.embed(input.reversed())
        #expect(Array(reversed.reversed()) == vectors)
        #expect(try e.embed([input[7]])[0] == vectors[7])
        #expect(vectors[0] != vectors[1])
        let stats = try server.stats()
        #expect(stats["requests"] == 7)  // 150 = 64 + 64 + 22, twice, plus one
        #expect(stats["connections"]! <= 2, "connections were not reused: \(stats)")  // one for /stats
    }

    @Test func concurrencyIsBounded() throws {
        let e = try embedder("delay:0.2", concurrency: 2)
        _ = try e.embed(texts(64 * 6))
        #expect(try server.stats()["max_inflight"] == 2)
    }

    @Test func retries500And429ThenSucceeds() throws {
        #expect(try embedder("fail500:2").embed(texts(3)).count == 3)
        #expect(try embedder("fail429:1").embed(texts(3)).count == 3)
        #expect(try server.stats()["requests"] == 5)
    }

    @Test func givesUpWithAClearErrorAfterRetries() throws {
        let error = #expect(throws: KuraError.self) { try embedder("fail500:100", retries: 2).embed(texts(3)) }
        #expect("\(error!)".contains("500") && "\(error!)".contains("3 attempts"))
    }

    @Test func clientErrorsAreNotRetried() throws {
        let error = #expect(throws: KuraError.self) { try embedder("bad400").embed(texts(3)) }
        #expect("\(error!)".contains("400") && "\(error!)".contains("model does not exist"))
        #expect(try server.stats()["requests"] == 1)
    }

    @Test func wrongDimensionIsRefused() throws {
        let error = #expect(throws: KuraError.self) { try embedder("dim:5").embed(texts(3)) }
        #expect("\(error!)".contains("dimension 5, expected 8"))
        // Without a configured dimension the first answer sets it, and later ones must agree.
        let learning = try embedder("m", dimension: nil)
        #expect(try learning.resolvedDimension() == 8)
    }

    @Test func malformedResponsesAreRefused() throws {
        for model in ["garbage", "short"] {
            let error = #expect(throws: KuraError.self) { try embedder(model).embed(texts(3)) }
            #expect("\(error!)".contains("malformed"), "\(model): \(error!)")
        }
    }

    @Test func timeoutsAndUnreachableServersFail() throws {
        let slow = #expect(throws: KuraError.self) { try embedder("delay:3", retries: 0, timeout: 0.3).embed(texts(1)) }
        #expect("\(slow!)".contains("unreachable"))
        var c = RemoteEmbedder.Configuration(baseURL: "http://127.0.0.1:1", model: "m", dimension: 8)
        c.retries = 1
        c.backoff = 0.01
        let down = #expect(throws: KuraError.self) { try RemoteEmbedder(configuration: c).embed(["x"]) }
        #expect("\(down!)".contains("unreachable"))
        #expect(throws: KuraError.self) { try RemoteEmbedder(configuration: .init(baseURL: "not a url", model: "m")) }
    }

    @Test func bearerKeyIsSent() throws {
        let keyed = try FakeOpenAIServer(dimension: 4, apiKey: "s3cret")
        var c = RemoteEmbedder.Configuration(baseURL: keyed.baseURL + "/v1/", model: "m", apiKey: "s3cret", dimension: 4)
        #expect(try RemoteEmbedder(configuration: c).embed(["a"])[0].count == 4)
        c.apiKey = "wrong"
        let error = #expect(throws: KuraError.self) { try RemoteEmbedder(configuration: c).embed(["a"]) }
        #expect("\(error!)".contains("401"))
    }

    @Test func batchesAreBoundedByTokens() throws {
        var c = RemoteEmbedder.Configuration(baseURL: server.baseURL, model: "m", dimension: 8)
        c.batchTokens = 100
        let long = String(repeating: "word ", count: 40)
        let plan = try RemoteEmbedder(configuration: c).plan(Array(repeating: long, count: 5))
        #expect(plan.count == 3)  // 42 tokens each: two per batch
    }
}
