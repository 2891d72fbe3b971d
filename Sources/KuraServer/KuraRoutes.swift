import Foundation
import Hummingbird
import KuraCore
import KuraEmbed
import KuraRetrieval
import KuraStore

/// Kura's own API under /v1/collections, and the health probes.
enum KuraRoutes {
    static func add<Context: RequestContext>(to router: Router<Context>, _ service: KuraService) {
        let limit = service.maxBodyBytes
        router.get("/healthz") { _, _ in try JSONResponse.make(["status": "ok"]) }
        router.get("/readyz") { _, _ in
            guard (try? await blocking { try service.store.listCollections().count }) != nil else { throw APIError(.unavailable, "the store is not open") }
            return try JSONResponse.make(["status": "ready"])
        }
        let v1 = router.group("/v1/collections")
        v1.get { _, _ in
            let all = try await blocking { try service.store.listCollections() }
            return try JSONResponse.make(["collections": all.map(describe)])
        }
        v1.post { request, _ in
            let body = try await RequestBody.decode(KuraBodies.CreateCollection.self, from: request, limit: limit)
            guard let metric = Metric(name: body.metric ?? "cosine") else { throw APIError.field("metric", "must be cosine, ip or l2") }
            let info = try await blocking {
                let dimension = try body.dimension ?? service.embedder.resolvedDimension()
                var embedderID = body.dimension == nil || body.dimension == service.embedder.dimension ? service.embedder.id : ""
                if let own = body.embedder {
                    guard body.dimension != nil || own == service.embedder.id else { throw APIError.field("dimension", "is needed with another embedder") }
                    embedderID = own
                }
                return try service.store.createCollection(
                    CollectionInfo(name: body.name, dimension: dimension, metric: metric, embedder: embedderID, analyzer: body.analyzer))
            }
            return try JSONResponse.make(describe(info), status: .created)
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
            return try JSONResponse.make(out)
        }
        v1.delete(":name") { _, context in
            let name = try context.parameters.require("name")
            try await blocking { try service.store.deleteCollection(name) }
            return try JSONResponse.make(["deleted": name])
        }
        v1.post(":name/documents") { request, context in
            let name = try context.parameters.require("name")
            let body = try await RequestBody.decode(KuraBodies.Upsert.self, from: request, limit: limit)
            let result = try await blocking { try service.upsert(name, body.documents, embedder: body.embedder) }
            return try JSONResponse.make(["written": result.written, "unchanged": result.unchanged])
        }
        FilesRoute.add(to: v1, service)
        v1.get(":name/documents") { request, context in
            let name = try context.parameters.require("name")
            let limitParam = try QueryParameter.integer(request, "limit", in: 1...1000, default: 100)
            let cursor = Int64(try QueryParameter.integer(request, "cursor", in: 0...Int.max, default: 0))
            let page = try await blocking { try service.store.collection(name).documents(after: cursor, limit: limitParam) }
            var out: [String: Any] = ["documents": try page.map { ["id": $0.id, "metadata": try ResultJSON.metadata($0.metadata), "chunks": $0.chunks] }]
            if page.count == limitParam, let last = page.last { out["next_cursor"] = String(last.cursor) }
            return try JSONResponse.make(out)
        }
        v1.get(":name/documents/:id") { _, context in
            let name = try context.parameters.require("name"), id = try context.parameters.require("id")
            guard let d = try await blocking({ try service.store.collection(name).document(id) }) else {
                throw APIError(.notFound, "no document '\(id)' in collection '\(name)'")
            }
            return try JSONResponse.make(["id": d.id, "text": d.text ?? "", "metadata": try ResultJSON.metadata(d.metadata), "chunks": d.chunks])
        }
        v1.delete(":name/documents/:id") { _, context in
            let name = try context.parameters.require("name"), id = try context.parameters.require("id")
            let gone = try await blocking { try service.store.collection(name).delete(ids: [id]) }
            guard !gone.isEmpty else { throw APIError(.notFound, "no document '\(id)' in collection '\(name)'") }
            return try JSONResponse.make(["deleted": gone])
        }
        v1.post(":name/query") { request, context in
            let name = try context.parameters.require("name")
            let body = try KuraBodies.Query.decode(Array(buffer: try await RequestBody.bytes(request, limit: limit)))
            let query = try body.retrieverQuery()
            // A vector query is a few hundred microseconds of in-memory search: cheaper run here than
            // handed to another thread. Text queries embed first, which takes milliseconds.
            let results = try query.text == nil ? service.retriever(name).search(query) : await blocking { try service.retriever(name).search(query) }
            return JSONResponse.bytes(JSONWriter.results(results))
        }
        v1.post(":name/context") { request, context in
            let name = try context.parameters.require("name")
            let body = try await RequestBody.decode(KuraBodies.Query.self, from: request, limit: limit)
            let query = try body.retrieverQuery()
            let budget = body.budgetTokens ?? 1024
            let ctx = try await blocking {
                let r = try service.retriever(name)
                return try ContextAssembler(counter: r.embedder?.tokenCounter ?? WordTokenCounter()).assemble(try r.search(query), budget: budget)
            }
            return try JSONResponse.make(try ResultJSON.object(ctx))
        }
    }

    static func describe(_ c: CollectionInfo) -> [String: Any] {
        ["name": c.name, "dimension": c.dimension, "metric": c.metric.rawValue, "embedder": c.embedder, "analyzer": c.analyzer.rawValue]
    }
}
