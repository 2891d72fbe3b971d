import Foundation
import Hummingbird
import HummingbirdTesting
import KuraEmbed
import KuraStore
import KuraTesting
import Testing

@testable import KuraServer

/// Chat completions against a fake OpenAI-compatible model server on loopback, which echoes the
/// request it received so the test sees exactly what Kura forwarded.
@Suite(.serialized) struct ChatCompletionsTests {
    let dir = FileManager.default.temporaryDirectory.appendingPathComponent("kura-chat-\(UUID().uuidString)").path

    func app(inference: String?) throws -> some ApplicationProtocol {
        let service = KuraService(store: try Store(directory: dir), embedder: HashEmbedder(dimension: 32))
        var settings = InferenceSettings()
        settings.url = inference
        settings.contextWindow = 4000
        return Application(router: KuraServer.router(service, inference: settings))
    }

    static func body(_ object: Any) -> ByteBuffer { KuraAPITests.body(object) }

    func seed(_ client: some TestClientProtocol) async throws {
        try await client.execute(uri: "/v1/collections", method: .post, body: Self.body(["name": "k8s"])) { #expect($0.status == .created) }
        let docs = [
            ["id": "drain", "text": "kubectl drain evicts pods before node maintenance."], ["id": "svc", "text": "A service gives pods a stable address."],
        ]
        try await client.execute(uri: "/v1/collections/k8s/documents", method: .post, body: Self.body(["documents": docs])) { #expect($0.status == .ok) }
    }

    @Test func retrievesInjectsAndForwardsEveryParameter() async throws {
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let fake = try FakeOpenAIServer()
        try await app(inference: fake.baseURL).test(.router) { client in
            try await seed(client)
            let request: [String: Any] = [
                "model": "m", "index_name": "k8s", "temperature": 0.2, "seed": 7, "stop": ["\n\n"],
                "messages": [["role": "system", "content": "Be brief."], ["role": "user", "content": "how do I drain a node?"]],
            ]
            try await client.execute(uri: "/v1/chat/completions", method: .post, body: Self.body(request)) { r in
                #expect(r.status == .ok)
                let o = KuraAPITests.json(r.body)
                let echo = o["echo"] as? [String: Any] ?? [:]
                #expect(
                    echo["index_name"] == nil && echo["seed"] as? Int == 7 && echo["temperature"] as? Double == 0.2 && echo["stop"] as? [String] == ["\n\n"])
                let messages = echo["messages"] as? [[String: Any]] ?? []
                let system = messages.first?["content"] as? String ?? ""
                #expect(messages.count == 2 && system.hasPrefix("Be brief.") && system.contains("[1]\nkubectl drain"))
                let sources = o["source_nodes"] as? [[String: Any]] ?? []
                #expect(sources.first?["doc_id"] as? String == "drain")
            }
            var streamed = request
            streamed["stream"] = true
            try await client.execute(uri: "/v1/chat/completions", method: .post, body: Self.body(streamed)) { r in
                let text = String(buffer: r.body)
                #expect(r.status == .ok && r.headers[.contentType] == "text/event-stream")
                #expect(text.hasPrefix("data: {") && text.contains("source_nodes") && text.contains("echo:") && text.hasSuffix("data: [DONE]\n\n"))
                #expect(text.range(of: "source_nodes")!.lowerBound < text.range(of: "echo:")!.lowerBound)
            }
        }
    }

    /// A reasoning model (DeepSeek-R1 behind KAITO or vLLM): its reasoning comes back untouched, whole
    /// and streamed; an earlier answer's reasoning is not forwarded; retrieval reads the last user turn
    /// only (the reasoning mentions "service", the user asks about draining).
    @Test func reasoningModelsPassThroughIntact() async throws {
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let fake = try FakeOpenAIServer()
        try await app(inference: fake.baseURL).test(.router) { client in
            try await seed(client)
            let history: [[String: Any]] = [
                ["role": "user", "content": "what is a service?"],
                [
                    "role": "assistant", "content": "A stable address.", "reasoning_content": "services give pods a stable address",
                    "reasoning": "services give pods a stable address",
                ],
                ["role": "user", "content": "how do I drain a node?"],
            ]
            for index in [true, false] {
                var request: [String: Any] = ["model": "reasoning", "messages": history]
                if index { request["index_name"] = "k8s" }
                try await client.execute(uri: "/v1/chat/completions", method: .post, body: Self.body(request)) { r in
                    #expect(r.status == .ok, "\(String(buffer: r.body))")
                    let o = KuraAPITests.json(r.body)
                    let message = ((o["choices"] as? [[String: Any]])?.first?["message"] as? [String: Any]) ?? [:]
                    #expect(message["reasoning_content"] as? String == "the user asks; think first")
                    #expect(message["reasoning"] as? String == "the user asks; think first")
                    let sent = ((o["echo"] as? [String: Any])?["messages"] as? [[String: Any]]) ?? []
                    let assistant = sent.first { $0["role"] as? String == "assistant" } ?? [:]
                    #expect(assistant["content"] as? String == "A stable address.")
                    #expect(assistant["reasoning_content"] == nil && assistant["reasoning"] == nil, "\(assistant)")
                    if index {
                        #expect((o["source_nodes"] as? [[String: Any]])?.first?["doc_id"] as? String == "drain")
                    }
                }
                request["stream"] = true
                try await client.execute(uri: "/v1/chat/completions", method: .post, body: Self.body(request)) { r in
                    let events = String(buffer: r.body).components(separatedBy: "\n\n").filter { $0.hasPrefix("data: {") }
                    let deltas = events.compactMap { e -> [String: Any]? in
                        let o = KuraAPITests.json(ByteBuffer(string: String(e.dropFirst(6))))
                        return (o["choices"] as? [[String: Any]])?.first?["delta"] as? [String: Any]
                    }
                    let reasoning = deltas.compactMap { $0["reasoning_content"] as? String }.joined()
                    let vllm = deltas.compactMap { $0["reasoning"] as? String }.joined()
                    let content = deltas.compactMap { $0["content"] as? String }.joined()
                    #expect(reasoning == "the user asks; think first " && vllm == reasoning, "\(events)")
                    #expect(content == "echo: \(index ? 4 : 3) messages ")
                }
            }
        }
    }

    @Test func passesThroughWithoutAnIndex() async throws {
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let fake = try FakeOpenAIServer()
        try await app(inference: fake.baseURL + "/v1").test(.router) { client in
            let request: [String: Any] = ["model": "m", "messages": [["role": "user", "content": "hi"]], "logit_bias": ["1": 2]]
            try await client.execute(uri: "/v1/chat/completions", method: .post, body: Self.body(request)) { r in
                let o = KuraAPITests.json(r.body)
                #expect((o["echo"] as? NSDictionary) == (request as NSDictionary))
                #expect(o["source_nodes"] == nil)
            }
            try await client.execute(uri: "/v1/models", method: .get) { r in
                #expect(((KuraAPITests.json(r.body)["data"] as? [[String: Any]])?.first?["id"] as? String) == "fake-model")
            }
        }
    }

    @Test func errorsAreClear() async throws {
        defer { try? FileManager.default.removeItem(atPath: dir) }
        try await app(inference: nil).test(.router) { client in
            try await client.execute(uri: "/v1/chat/completions", method: .post, body: Self.body(["messages": []])) {
                #expect($0.status == .serviceUnavailable)
            }
        }
        try await app(inference: "http://127.0.0.1:1").test(.router) { client in
            try await seed(client)
            let cases: [([String: Any], HTTPResponse.Status)] = [
                (["index_name": "k8s", "messages": [["role": "user", "content": "q"], ["role": "assistant", "content": "a"]]], .badRequest),
                (["index_name": "k8s", "context_token_ratio": 0.9, "messages": [["role": "user", "content": "q"]]], .badRequest),
                (["index_name": "nope", "messages": [["role": "user", "content": "q"]]], .notFound),
                (["index_name": "k8s", "messages": [["content": "q"]]], .badRequest),
                (["messages": [["role": "user", "content": "q"]]], .badGateway),  // the model server is down
                // Found by schemathesis: garbage was passed through for the model server to choke on.
                (["messages": NSNull(), "index_name": [[1]]], .badRequest),
                (["messages": [1, 2]], .badRequest),
                (["messages": [["role": "user", "content": "q"]], "index_name": 5], .badRequest),
                (["index_name": "k8s", "context_token_ratio": "half", "messages": [["role": "user", "content": "q"]]], .badRequest),
            ]
            for (request, status) in cases {
                try await client.execute(uri: "/v1/chat/completions", method: .post, body: Self.body(request)) { r in
                    #expect(r.status == status, "\(request): \(String(buffer: r.body))")
                    #expect(KuraAPITests.json(r.body)["error"] != nil)
                }
            }
            try await client.execute(uri: "/v1/embeddings", method: .post, body: Self.body(["input": ["a", "b"]])) { r in
                let data = KuraAPITests.json(r.body)["data"] as? [[String: Any]] ?? []
                #expect(data.count == 2 && (data[1]["embedding"] as? [Double])?.count == 32 && data[1]["index"] as? Int == 1)
            }
        }
    }

    /// A model server that fails is never answered as a success, streaming or not: its 4xx is passed on
    /// and anything else is a 502, as a JSON error read before any byte is sent. Before, a stream
    /// answered 200 and carried the model server's error as its body.
    @Test func aFailingModelServerIsNeverASuccess() async throws {
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let fake = try FakeOpenAIServer()
        try await app(inference: fake.baseURL).test(.router) { client in
            try await seed(client)
            for (model, status) in [("fail500:1000", 502), ("bad400", 400), ("fail429:1000", 429), ("garbage", 502)] {
                for stream in [false, true] {
                    for index in [true, false] {
                        var request: [String: Any] = ["model": model, "stream": stream, "messages": [["role": "user", "content": "drain a node"]]]
                        if index { request["index_name"] = "k8s" }
                        try await client.execute(uri: "/v1/chat/completions", method: .post, body: Self.body(request)) { r in
                            let message = (KuraAPITests.json(r.body)["error"] as? [String: Any])?["message"] as? String ?? ""
                            #expect(Int(r.status.code) == status && r.headers[.contentType] == "application/json", "\(request): \(String(buffer: r.body))")
                            #expect(message.contains("inference server"), "\(request): \(String(buffer: r.body))")
                        }
                    }
                }
            }
            // Cut off in mid-answer, after the 200: the stream ends with an error event that is valid JSON.
            let cut: [String: Any] = ["model": "cut", "stream": true, "index_name": "k8s", "messages": [["role": "user", "content": "drain"]]]
            try await client.execute(uri: "/v1/chat/completions", method: .post, body: Self.body(cut)) { r in
                let events = String(buffer: r.body).components(separatedBy: "\n\n").filter { $0.hasPrefix("data: ") }
                let last = events.last.flatMap { try? JSONSerialization.jsonObject(with: Data($0.dropFirst(6).utf8)) as? [String: Any] }
                #expect(r.status == .ok && events.count == 3 && (last?["error"] as? [String: Any])?["message"] != nil, "\(String(buffer: r.body))")
            }
        }
    }

    @Test func errorEventsAreValidJSON() throws {
        let event = ChatStream.errorEvent("a \"quoted\" reason\nwith a \\ and a tab\t")
        let text = String(decoding: event, as: UTF8.self)
        #expect(text.hasPrefix("data: ") && text.hasSuffix("\n\n"))
        let object = try JSONSerialization.jsonObject(with: Data(text.dropFirst(6).utf8)) as? [String: Any]
        #expect((object?["error"] as? [String: Any])?["message"] as? String == "a \"quoted\" reason\nwith a \\ and a tab\t")
    }

    /// `source_nodes` of an uploaded PDF carry the pages each cited passage holds, as LlamaIndex's nodes do.
    @Test func sourceNodesNameTheirPages() async throws {
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let fake = try FakeOpenAIServer()
        try await app(inference: fake.baseURL).test(.router) { client in
            try await seed(client)
            let pdf = try Data(contentsOf: URL(fileURLWithPath: FilesRouteTests.documents + "/manual.pdf"))
            try await client.execute(uri: "/v1/collections/k8s/files?filename=manual.pdf", method: .post, body: ByteBuffer(data: pdf)) {
                #expect($0.status == .ok)
            }
            let request: [String: Any] = ["model": "m", "index_name": "k8s", "messages": [["role": "user", "content": "marker3omega"]]]
            try await client.execute(uri: "/v1/chat/completions", method: .post, body: Self.body(request)) { r in
                let sources = KuraAPITests.json(r.body)["source_nodes"] as? [[String: Any]] ?? []
                let pdfNodes = sources.filter { $0["doc_id"] as? String == "manual.pdf" }
                #expect(!pdfNodes.isEmpty)
                for node in pdfNodes {
                    let meta = node["metadata"] as? [String: Any] ?? [:]
                    let first = meta["page_start"] as? Int ?? 0, last = meta["page_end"] as? Int ?? 0
                    #expect(first >= 1 && first <= last && last <= 4 && meta["format"] as? String == "pdf", "\(meta)")
                }
            }
        }
    }
}
