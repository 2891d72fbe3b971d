import Foundation
import KuraHTTPClient

/// Tests/Fixtures/fake_openai.py, started on a free loopback port for the life of this object: an
/// OpenAI-compatible embeddings and chat server with faults chosen by the request's model name.
public final class FakeOpenAIServer: @unchecked Sendable {
    /// The loopback port it listens on.
    public let port: Int
    private let process: Process

    /// Starts the server, answering `dimension`-wide embeddings and asking for `apiKey` when given.
    /// - Throws: when python3 cannot be started or the server does not report its port.
    public init(dimension: Int = 8, apiKey: String? = nil) throws {
        let script = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("Tests/Fixtures/fake_openai.py")
        process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["python3", script.path, "--dim", "\(dimension)"] + (apiKey.map { ["--key", $0] } ?? [])
        let out = Pipe()
        process.standardOutput = out
        try process.run()
        var line = Data()
        while !line.contains(UInt8(ascii: "\n")) {
            let chunk = out.fileHandleForReading.availableData
            if chunk.isEmpty { break }
            line.append(chunk)
        }
        let text = String(decoding: line, as: UTF8.self)
        guard text.hasPrefix("PORT "), let p = Int(text.dropFirst(5).trimmingCharacters(in: .whitespacesAndNewlines)) else {
            kill(process.processIdentifier, SIGKILL)
            throw NSError(domain: "FakeOpenAIServer", code: 1, userInfo: [NSLocalizedDescriptionKey: "fake server did not start: \(text)"])
        }
        port = p
    }

    /// `http://127.0.0.1:PORT`.
    public var baseURL: String { "http://127.0.0.1:\(port)" }

    /// The server's counters: requests, connections, max_inflight.
    public func stats() throws -> [String: Int] {
        let response = try HTTPClient().send(HTTPClient.Request(method: "GET", url: "\(baseURL)/stats"))
        return (try JSONSerialization.jsonObject(with: response.body) as? [String: Int]) ?? [:]
    }

    deinit {
        kill(process.processIdentifier, SIGKILL)  // SIGTERM may be ignored: test runners pass SIG_IGN down
        process.waitUntilExit()
    }
}
