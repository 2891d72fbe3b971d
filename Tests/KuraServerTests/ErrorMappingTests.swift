import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import KuraCore
import KuraEmbed
import KuraStore
import Testing

@testable import KuraServer

/// One decision from error to status, rendered in Kura's shape and KAITO's. Before it, a full disk was
/// 507 on Kura's routes and 500 on KAITO's, and KAITO chose 422 by searching the message for "field".
@Suite struct ErrorMappingTests {
    @Test func everyErrorHasOneStatusInBothShapes() {
        let cases: [(any Error, Int, Int)] = [
            (KuraError.invalidArgument("x"), 400, 400),
            (KuraError.notFound("x"), 404, 404),
            (KuraError.conflict("x"), 409, 409),
            (KuraError.upstream("x"), 502, 502),
            (KuraError.capacityExceeded("the disk is full"), 507, 507),
            (KuraError.io(path: "p", reason: "r"), 500, 500),
            (KuraError.corruptFile(path: "p", reason: "r"), 500, 500),
            (APIError.field("k", "must be an integer"), 400, 422),
            (APIError(.upstreamRefused(429), "slow down"), 429, 429),
            (APIError(.upstreamRefused(503), "odd"), 502, 502),
            (HTTPError(.notFound), 404, 404),
            (HTTPError(.contentTooLarge), 413, 413),
            (CocoaError(.fileReadUnknown), 500, 500),
        ]
        for (error, kura, kaito) in cases {
            let e = APIError(error)
            #expect(Int(e.status(.kura).code) == kura && Int(e.status(.kaito).code) == kaito, "\(error)")
            let kuraBody = KuraAPITests.json(ByteBuffer(bytes: e.body(.kura)))
            let kaitoBody = KuraAPITests.json(ByteBuffer(bytes: e.body(.kaito)))
            #expect((kuraBody["error"] as? [String: Any])?["message"] as? String == e.message && kaitoBody["detail"] as? String == e.message)
        }
    }

    @Test func aMessageWithTheWordFieldIsNotAValidationError() {
        // KAITO used to answer 422 for any 400 whose message held "field".
        #expect(APIError(KuraError.invalidArgument("the field 'x' is unknown")).status(.kaito) == .badRequest)
    }

    @Test func kaitoRoutesRenderDetailAndKuraRoutesError() async throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("kura-errors-\(UUID().uuidString)").path
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let service = KuraService(store: try Store(directory: dir), embedder: HashEmbedder(dimension: 8))
        try await Application(router: KuraServer.router(service)).test(.router) { client in
            try await client.execute(uri: "/retrieve", method: .post, body: KuraAPITests.body(["index_name": "x", "query": "q", "max_node_count": 0.5])) { r in
                #expect(r.status == .unprocessableContent && (KuraAPITests.json(r.body)["detail"] as? String ?? "").contains("max_node_count"))
            }
            try await client.execute(uri: "/retrieve", method: .post, body: KuraAPITests.body(["index_name": "x", "query": " "])) { r in
                #expect(r.status == .badRequest && KuraAPITests.json(r.body)["detail"] as? String == "Query string cannot be empty.")
            }
            try await client.execute(uri: "/retrieve", method: .post, body: KuraAPITests.body(["index_name": "x", "query": "q"])) { r in
                #expect(r.status == .notFound && KuraAPITests.json(r.body)["detail"] != nil)
            }
            try await client.execute(uri: "/v1/collections/x/query", method: .post, body: KuraAPITests.body(["query": "q", "k": 0.5])) { r in
                #expect(r.status == .badRequest && KuraAPITests.json(r.body)["error"] != nil)
            }
            try await client.execute(uri: "/no/such/route", method: .get) { r in
                #expect(r.status == .notFound && KuraAPITests.json(r.body)["error"] != nil)
            }
        }
    }
}
