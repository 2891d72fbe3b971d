import Foundation
import Hummingbird
import KuraCore
import KuraEmbed
import KuraRetrieval
import KuraStore

/// Kura's own API under /v1/collections, and the health probes.
enum KuraRoutes {
    struct CreateCollection: Decodable {
        var name: String
        var dimension: Int?
        var metric: String?
    }

    struct Upsert: Decodable { var documents: [DocumentInput] }

    struct QueryBody: Decodable {
        var query: String?
        var vector: [Float]?
        var k: Int?
        var mode: String?
        var filter: JSONValue?
        var ef: Int?
        var budgetTokens: Int?
        var mmrLambda: Double?

        enum CodingKeys: String, CodingKey {
            case query, vector, k, mode, filter, ef
            case budgetTokens = "budget_tokens"
            case mmrLambda = "mmr_lambda"
        }

        /// The body, its vector parsed directly when it has one (see `VectorField`).
        static func decode(_ bytes: [UInt8]) throws -> QueryBody {
            guard let (vector, rest) = VectorField.split(bytes) else { return try JSONResponse.decode(QueryBody.self, from: Data(bytes)) }
            var body = try JSONResponse.decode(QueryBody.self, from: Data(rest))
            body.vector = vector
            return body
        }

        func retrieverQuery() throws -> Retriever.Query {
            var q = Retriever.Query(text: query, vector: vector, k: k ?? 10)
            if let mode {
                guard let m = Retriever.Mode(rawValue: mode) else { throw KuraError.invalidArgument("mode must be dense, lexical or hybrid") }
                q.mode = m
            }
            q.filter = try filter.map(MetadataFilter.init(json:))
            q.ef = ef
            q.mmrLambda = mmrLambda
            if let ef, ef < 1 || ef > 10_000 { throw KuraError.invalidArgument("ef must be between 1 and 10000") }
            return q
        }
    }

    static func add<Context: RequestContext>(to router: Router<Context>, _ service: KuraService) {
        let limit = service.maxBodyBytes
        router.get("/healthz") { _, _ in JSONResponse.make(["status": "ok"]) }
        router.get("/readyz") { _, _ in
            let ok = (try? await blocking { try service.store.listCollections().count }) != nil
            return ok ? JSONResponse.make(["status": "ready"]) : JSONResponse.error(.serviceUnavailable, "the store is not open")
        }
        let v1 = router.group("/v1/collections")
        v1.get { _, _ in
            let all = try await blocking { try service.store.listCollections() }
            return JSONResponse.make(["collections": all.map(describe)])
        }
        v1.post { request, _ in
            let body = try await JSONResponse.decode(CreateCollection.self, from: request, limit: limit)
            let info = try await blocking {
                guard let metric = Metric(name: body.metric ?? "cosine") else { throw KuraError.invalidArgument("metric must be cosine, ip or l2") }
                let dimension = try body.dimension ?? service.embedder.resolvedDimension()
                guard dimension > 0, dimension <= 65536 else { throw KuraError.invalidArgument("dimension must be between 1 and 65536") }
                let embedderID = body.dimension == nil || body.dimension == service.embedder.dimension ? service.embedder.id : ""
                return try service.store.createCollection(CollectionInfo(name: body.name, dimension: dimension, metric: metric, embedder: embedderID))
            }
            return JSONResponse.make(describe(info), status: .created)
        }
        v1.get(":name") { _, context in
            let name = try context.parameters.require("name")
            let (info, stats) = try await blocking {
                let c = try service.store.collection(name)
                return (c.info, try c.stats())
            }
            var out = describe(info)
            out["stats"] = [
                "documents": stats.documents, "chunks": stats.chunks, "vectors": stats.vectors, "segments": stats.segments, "bytes": stats.bytes,
            ]
            return JSONResponse.make(out)
        }
        v1.delete(":name") { _, context in
            let name = try context.parameters.require("name")
            try await blocking { try service.store.deleteCollection(name) }
            return JSONResponse.make(["deleted": name])
        }
        v1.post(":name/documents") { request, context in
            let name = try context.parameters.require("name")
            let body = try await JSONResponse.decode(Upsert.self, from: request, limit: limit)
            let result = try await blocking { try service.upsert(name, body.documents) }
            return JSONResponse.make(["written": result.written, "unchanged": result.unchanged])
        }
        v1.get(":name/documents") { request, context in
            let name = try context.parameters.require("name")
            let limitParam = try JSONResponse.parameter(request, "limit", default: 100)
            let cursor = Int64(try JSONResponse.parameter(request, "cursor", default: 0))
            guard (1...1000).contains(limitParam) else { throw KuraError.invalidArgument("limit must be between 1 and 1000") }
            let page = try await blocking { try service.store.collection(name).documents(after: cursor, limit: limitParam) }
            var out: [String: Any] = ["documents": page.map { ["id": $0.id, "metadata": ResultJSON.metadata($0.metadata), "chunks": $0.chunks] }]
            if page.count == limitParam, let last = page.last { out["next_cursor"] = String(last.cursor) }
            return JSONResponse.make(out)
        }
        v1.get(":name/documents/:id") { _, context in
            let name = try context.parameters.require("name"), id = try context.parameters.require("id")
            guard let d = try await blocking({ try service.store.collection(name).document(id) }) else {
                throw KuraError.notFound("no document '\(id)' in collection '\(name)'")
            }
            return JSONResponse.make(["id": d.id, "text": d.text ?? "", "metadata": ResultJSON.metadata(d.metadata), "chunks": d.chunks])
        }
        v1.delete(":name/documents/:id") { _, context in
            let name = try context.parameters.require("name"), id = try context.parameters.require("id")
            let gone = try await blocking { try service.store.collection(name).delete(ids: [id]) }
            guard !gone.isEmpty else { throw KuraError.notFound("no document '\(id)' in collection '\(name)'") }
            return JSONResponse.make(["deleted": gone])
        }
        v1.post(":name/query") { request, context in
            let name = try context.parameters.require("name")
            let body = try QueryBody.decode(Array(buffer: try await JSONResponse.body(request, limit: limit)))
            let query = try body.retrieverQuery()
            // A vector query is a few hundred microseconds of in-memory search: cheaper run here than
            // handed to another thread. Text queries embed first, which takes milliseconds.
            let results = try query.text == nil ? service.retriever(name).search(query) : await blocking { try service.retriever(name).search(query) }
            return JSONResponse.bytes(JSONWriter.results(results))
        }
        v1.post(":name/context") { request, context in
            let name = try context.parameters.require("name")
            let body = try await JSONResponse.decode(QueryBody.self, from: request, limit: limit)
            let budget = body.budgetTokens ?? 1024
            guard budget > 0 else { throw KuraError.invalidArgument("budget_tokens must be positive") }
            let ctx = try await blocking {
                let r = try service.retriever(name)
                return ContextAssembler(counter: r.embedder?.tokenCounter ?? WordTokenCounter()).assemble(try r.search(body.retrieverQuery()), budget: budget)
            }
            return JSONResponse.make(ResultJSON.object(ctx))
        }
    }

    static func describe(_ c: CollectionInfo) -> [String: Any] {
        ["name": c.name, "dimension": c.dimension, "metric": c.metric.rawValue, "embedder": c.embedder]
    }
}
