import Foundation
import Hummingbird
import HummingbirdTesting
import KuraEmbed
import KuraStore
import Testing

@testable import KuraServer

/// Every operation in /openapi.yaml reaches a handler: the answer is a success or a JSON error from
/// Kura, never the router's bare "no such route".
@Suite struct OpenAPITests {
    /// (method, path) for each operation, read from the document's `paths:` block.
    static func operations(_ yaml: String) -> [(String, String)] {
        var out: [(String, String)] = []
        var path: String?
        var inPaths = false
        for line in yaml.split(separator: "\n", omittingEmptySubsequences: false) {
            if line.hasPrefix("paths:") {
                inPaths = true
            } else if inPaths, line.hasPrefix("  /") {
                path = String(line.dropFirst(2).dropLast())
            } else if inPaths, let p = path, line.hasPrefix("    "), !line.hasPrefix("     ") {
                let key = line.dropFirst(4).prefix { $0 != ":" }
                if ["get", "post", "delete", "put", "patch"].contains(String(key)) { out.append((String(key), p)) }
            }
        }
        return out
    }

    /// The document and the router list the same operations. A request to each cannot show this: a
    /// missing route answers 404 with a JSON error body, just like a route that found no collection.
    @Test func theDocumentAndTheRouterAgree() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("kura-openapi-\(UUID().uuidString)").path
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let router = KuraServer.router(KuraService(store: try Store(directory: dir), embedder: HashEmbedder(dimension: 8)))
        let documented = Set(Self.operations(OpenAPIDocument.yaml).map { "\($0.0.uppercased()) \($0.1)" })
        let served = Set(router.routes.map { "\($0.method) \(Self.openAPIPath($0.path.description))" })
        #expect(documented.count == 29)
        #expect(documented.subtracting(served).isEmpty, "documented but not served: \(documented.subtracting(served).sorted())")
        // MCP's GET and DELETE answer 405 by the transport's rules; they are not operations of their own.
        let undocumented = served.subtracting(documented).subtracting(["GET /mcp", "DELETE /mcp"])
        #expect(undocumented.isEmpty, "served but not documented: \(undocumented.sorted())")
    }

    /// `/v1/collections/:name` as OpenAPI writes it, `/v1/collections/{name}`.
    static func openAPIPath(_ path: String) -> String {
        let p = path.hasPrefix("/") ? path : "/" + path
        return p.split(separator: "/", omittingEmptySubsequences: false).map { $0.hasPrefix(":") ? "{\($0.dropFirst())}" : String($0) }.joined(separator: "/")
    }

    @Test func everyDocumentedOperationIsAnswered() async throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("kura-openapi-\(UUID().uuidString)").path
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let ops = Self.operations(OpenAPIDocument.yaml)
        let service = KuraService(store: try Store(directory: dir), embedder: HashEmbedder(dimension: 8))
        try await Application(router: KuraServer.router(service)).test(.router) { client in
            try await client.execute(uri: "/openapi.yaml", method: .get) { r in
                #expect(r.status == .ok && String(buffer: r.body).hasPrefix("openapi: 3.1.0"))
            }
            for (method, path) in ops {
                let uri = path.replacingOccurrences(of: "{name}", with: "c").replacingOccurrences(of: "{index}", with: "c")
                    .replacingOccurrences(of: "{id}", with: "d")
                try await client.execute(uri: uri, method: HTTPRequest.Method(rawValue: method.uppercased())!, body: ByteBuffer(string: "{}")) { r in
                    let answered = r.status.code < 400 || String(buffer: r.body).contains("\"error\"") || String(buffer: r.body).contains("\"detail\"")
                    #expect(answered, "\(method) \(path): \(r.status) \(String(buffer: r.body))")
                }
            }
        }
    }
}
