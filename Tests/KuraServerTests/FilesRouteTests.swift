import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import KuraCore
import KuraEmbed
import KuraStore
import Testing

@testable import KuraServer

/// `POST /v1/collections/{name}/files` with the documents `kura ingest` tests read, and the page or slide
/// each answer then names.
@Suite struct FilesRouteTests {
    let dir = FileManager.default.temporaryDirectory.appendingPathComponent("kura-files-\(UUID().uuidString)").path
    static let documents = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("KuraIngestTests/Documents").path

    static func file(_ name: String) throws -> Data { try Data(contentsOf: URL(fileURLWithPath: documents + "/" + name)) }

    static func multipart(_ parts: [(name: String, filename: String?, data: Data)], boundary: String) -> ByteBuffer {
        var out = Data()
        for p in parts {
            out += Data("--\(boundary)\r\nContent-Disposition: form-data; name=\"\(p.name)\"".utf8)
            if let f = p.filename { out += Data("; filename=\"\(f)\"".utf8) }
            out += Data("\r\n\r\n".utf8) + p.data + Data("\r\n".utf8)
        }
        return ByteBuffer(data: out + Data("--\(boundary)--\r\n".utf8))
    }

    static func message(_ r: TestResponse) -> String {
        ((KuraAPITests.json(r.body)["error"] as? [String: Any])?["message"] as? String) ?? String(buffer: r.body)
    }

    /// Runs `body` against a router over a fresh store holding an empty collection `docs`.
    func withCollection(_ body: @escaping @Sendable (any TestClientProtocol) async throws -> Void) async throws {
        let service = KuraService(store: try Store(directory: dir), embedder: HashEmbedder(dimension: 32))
        try await Application(router: KuraServer.router(service)).test(.router) { client in
            try await client.execute(uri: "/v1/collections", method: .post, body: KuraAPITests.body(["name": "docs"])) { #expect($0.status == .created) }
            try await body(client)
        }
    }

    @Test func uploadsAreLoadedAndCitedByPage() async throws {
        defer { try? FileManager.default.removeItem(atPath: dir) }
        try await withCollection { client in
            let form = Self.multipart([("file", "manual.pdf", try Self.file("manual.pdf"))], boundary: "kura-boundary")
            let multipart: HTTPFields = [.contentType: "multipart/form-data; boundary=\"kura-boundary\""]
            try await client.execute(uri: "/v1/collections/docs/files", method: .post, headers: multipart, body: form) { r in
                #expect(r.status == .ok, "\(Self.message(r))")
                #expect(KuraAPITests.json(r.body)["written"] as? [String] == ["manual.pdf"])
            }
            try await client.execute(uri: "/v1/collections/docs/files", method: .post, headers: multipart, body: form) { r in
                #expect(KuraAPITests.json(r.body)["unchanged"] as? [String] == ["manual.pdf"], "the same file again writes nothing")
            }
            let pptx: HTTPFields = [.contentType: "application/vnd.openxmlformats-officedocument.presentationml.presentation"]
            try await client.execute(
                uri: "/v1/collections/docs/files?id=deck", method: .post, headers: pptx, body: ByteBuffer(data: try Self.file("deck.pptx"))
            ) {
                #expect(KuraAPITests.json($0.body)["written"] as? [String] == ["deck"])
            }
            let query = KuraAPITests.body(["query": "marker3omega", "mode": "lexical", "budget_tokens": 400])
            try await client.execute(uri: "/v1/collections/docs/context", method: .post, body: query) { r in
                let citation = (KuraAPITests.json(r.body)["citations"] as? [[String: Any]])?.first ?? [:]
                let first = citation["page_start"] as? Int ?? 99, last = citation["page_end"] as? Int ?? 0
                #expect(citation["document_id"] as? String == "manual.pdf" && (first...max(first, last)).contains(3), "\(citation)")
            }
            let slides = KuraAPITests.body(["query": "agents pods MCP", "mode": "lexical", "k": 1])
            try await client.execute(uri: "/v1/collections/docs/query", method: .post, body: slides) { r in
                let hit = (KuraAPITests.json(r.body)["results"] as? [[String: Any]])?.first ?? [:]
                #expect(hit["document_id"] as? String == "deck" && hit["slide"] as? Int == 4, "\(hit)")
            }
            try await client.execute(
                uri: "/retrieve", method: .post, body: KuraAPITests.body(["index_name": "docs", "query": "marker2alpha", "max_node_count": 1])
            ) { r in
                let node = (KuraAPITests.json(r.body)["results"] as? [[String: Any]])?.first ?? [:]
                let meta = node["metadata"] as? [String: Any] ?? [:]
                #expect(meta["format"] as? String == "pdf" && meta["page_start"] is Int && meta["page_end"] is Int, "\(node)")
            }
        }
    }

    @Test func badUploadsAreClearErrors() async throws {
        defer { try? FileManager.default.removeItem(atPath: dir) }
        try await withCollection { client in
            let cases: [(String, HTTPFields, ByteBuffer, HTTPResponse.Status, String)] = [
                (
                    "/v1/collections/docs/files", [.contentType: "application/pdf"], ByteBuffer(data: try Self.file("encrypted.pdf")), .badRequest,
                    "encrypted PDF"
                ),
                ("/v1/collections/docs/files", [.contentType: "application/pdf"], ByteBuffer(data: try Self.file("scanned.pdf")), .badRequest, "no text layer"),
                ("/v1/collections/docs/files", [.contentType: "image/png"], ByteBuffer(string: "x"), .unsupportedMediaType, "not a document format"),
                ("/v1/collections/docs/files", [:], ByteBuffer(string: "x"), .unsupportedMediaType, "not a document format"),
                ("/v1/collections/docs/files?filename=a.xlsx", [:], ByteBuffer(string: "x"), .unsupportedMediaType, "Excel"),
                ("/v1/collections/docs/files", [.contentType: "multipart/form-data"], ByteBuffer(string: "x"), .badRequest, "boundary"),
                ("/v1/collections/docs/files", [.contentType: "multipart/form-data; boundary=b"], ByteBuffer(string: "garbage"), .badRequest, "multipart"),
                (
                    "/v1/collections/docs/files", [.contentType: "multipart/form-data; boundary=b"],
                    Self.multipart([("other", "a.txt", Data("x".utf8))], boundary: "b"), .badRequest, "no part named \"file\""
                ),
                ("/v1/collections/docs/files?filename=a.docx", [:], ByteBuffer(string: "PK not a zip"), .badRequest, "damaged archive"),
                ("/v1/collections/docs/files?filename=a.txt", [:], ByteBuffer(bytes: [0xFF, 0xFE]), .badRequest, "not valid UTF-8"),
                ("/v1/collections/none/files?filename=a.txt", [:], ByteBuffer(string: "hello"), .notFound, "none"),
            ]
            for (uri, headers, body, status, fragment) in cases {
                try await client.execute(uri: uri, method: .post, headers: headers, body: body) { r in
                    #expect(r.status == status, "\(uri) \(headers): \(Self.message(r))")
                    #expect(Self.message(r).contains(fragment), "\(uri): \(Self.message(r))")
                }
            }
        }
    }
}
