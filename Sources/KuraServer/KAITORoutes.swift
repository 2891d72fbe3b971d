import Foundation
import Hummingbird
import KuraCore
import KuraEmbed
import KuraIngest
import KuraRetrieval
import KuraStore

/// KAITO RAGEngine-compatible routes (shared/compat/kaito-ragengine.md): same paths, fields, defaults and
/// `{"detail"}` errors, with body validation errors as 422. An index is a Kura collection. Better than the
/// original: scores where higher is better, filters that work, reciprocal rank fusion, durable storage.
enum KAITORoutes {
    static func collection(_ service: KuraService, _ name: String) throws -> DocumentCollection {
        guard try service.store.listCollections().contains(where: { $0.name == name }) else { throw KuraError.notFound("No such index: '\(name)' exists.") }
        return try service.store.collection(name)
    }

    static func document(_ id: String, _ text: String, _ metadata: String, maxLength: Int = .max) throws -> [String: Any] {
        let truncated = text.count > maxLength
        return [
            "doc_id": id, "text": truncated ? String(text.prefix(maxLength)) : text, "metadata": try ResultJSON.metadata(metadata),
            "hash_value": NSNull(), "is_truncated": truncated,
        ]
    }

    /// Adds the routes in a group whose errors render as `{"detail"}`.
    static func add<Context: RequestContext>(to router: Router<Context>, _ service: KuraService, persistRoot: String) {
        let kaito = router.group().add(middleware: ErrorMiddleware(shape: .kaito))
        let limit = service.maxBodyBytes
        kaito.get("/health") { _, _ in try JSONResponse.make(["status": "Healthy", "detail": NSNull()]) }
        kaito.get("/indexes") { _, _ in try JSONResponse.make(try await blocking { try service.store.listCollections().map(\.name) }) }
        kaito.post("/index") { request, _ in
            let body = try await RequestBody.decode(KAITOBodies.Index.self, from: request, limit: limit)
            let out = try await blockingUnchecked { () -> [[String: Any]] in
                _ = try EmbeddedCollection.open(service.store, name: body.indexName, embedder: service.embedder)
                // The doc_id is the SHA-256 of the text, so identical text is stored once.
                let docs = body.documents.map { DocumentInput(id: ContentHash.sha256(Array($0.text.utf8)), text: $0.text, metadata: $0.metadata) }
                var seen = Set<String>()
                let unique = docs.filter { seen.insert($0.id).inserted }
                _ = try service.upsert(body.indexName, unique)
                return try unique.map { try document($0.id, $0.text, try Record.canonical($0.metadata ?? .object([:]))) }
            }
            return try JSONResponse.make(out)
        }
        kaito.get("/indexes/:index/documents") { request, context in
            let name = try context.parameters.require("index")
            let limit = try QueryParameter.integer(request, "limit", in: 1...100, default: 10)
            let offset = try QueryParameter.integer(request, "offset", in: 0...Int.max, default: 0)
            let maxText = try QueryParameter.integer(request, "max_text_length", in: 1...Int.max, default: 1000)
            let filter = try request.uri.queryParameters.get("metadata_filter").map { raw -> MetadataFilter in
                guard let value = try? JSONDecoder().decode(JSONValue.self, from: Data(String(raw).utf8)) else {
                    throw APIError(.badRequest, "Invalid metadata_filter: not valid JSON")
                }
                return try MetadataFilter(json: value)
            }
            let (docs, total) = try await blocking { try collection(service, name).documentPage(offset: offset, limit: limit, filter: filter) }
            return try JSONResponse.make([
                "documents": try docs.map { try document($0.id, $0.text ?? "", $0.metadata, maxLength: maxText) }, "count": docs.count,
                "total_items": total,
            ])
        }
        kaito.post("/indexes/:index/documents") { request, context in
            let name = try context.parameters.require("index")
            let body = try await RequestBody.decode(KAITOBodies.Update.self, from: request, limit: limit)
            return try JSONResponse.make(try await blockingUnchecked { try update(service, name, body.documents) })
        }
        kaito.post("/indexes/:index/documents/delete") { request, context in
            let name = try context.parameters.require("index")
            let body = try await RequestBody.decode(KAITOBodies.Delete.self, from: request, limit: limit)
            let gone = try await blocking { try collection(service, name).delete(ids: body.docIDs) }
            return try JSONResponse.make(["deleted_doc_ids": gone, "not_found_doc_ids": body.docIDs.filter { !gone.contains($0) }])
        }
        kaito.delete("/indexes/:index") { _, context in
            let name = try context.parameters.require("index")
            try await blocking {
                _ = try collection(service, name)
                try service.store.deleteCollection(name)
            }
            return try JSONResponse.make(["message": "Successfully deleted index \(name)."])
        }
        kaito.post("/persist/:index") { request, context in
            let name = try context.parameters.require("index")
            let path = try Snapshots.path(request.uri.queryParameters.get("path").map { String($0) }, name: name, root: persistRoot)
            try await blocking { try Snapshots.save(try collection(service, name), to: path) }
            return try JSONResponse.make(["message": "Successfully persisted index \(name) to \(path)."])
        }
        kaito.post("/load/:index") { request, context in
            let name = try context.parameters.require("index")
            let path = try Snapshots.path(request.uri.queryParameters.get("path").map { String($0) }, name: name, root: persistRoot)
            let overwrite = try QueryParameter.bool(request, "overwrite", default: false)
            try await blocking { try Snapshots.load(service, name: name, from: path, overwrite: overwrite) }
            return try JSONResponse.make(["message": "Successfully loaded index \(name) from \(path)."])
        }
        kaito.post("/retrieve") { request, _ in
            let body = try await RequestBody.decode(KAITOBodies.Retrieve.self, from: request, limit: limit)
            guard !body.query.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty else { throw APIError(.badRequest, "Query string cannot be empty.") }
            let results = try await blockingUnchecked { try retrieve(service, body) }
            return try JSONResponse.make(["query": body.query, "results": results, "count": results.count])
        }
    }

    /// Updates documents by doc_id: changed ones are re-embedded, the rest reported as unchanged or not found.
    static func update(_ service: KuraService, _ name: String, _ documents: [KAITOBodies.Document]) throws -> [String: Any] {
        let c = try collection(service, name)
        var updated: [[String: Any]] = [], unchanged: [[String: Any]] = [], notFound: [[String: Any]] = []
        var inputs: [DocumentInput] = []
        for d in documents {
            let meta = try Record.canonical(d.metadata ?? .object([:]))
            guard let id = d.docID, let old = try c.document(id) else {
                notFound.append(try document(d.docID ?? "", d.text, meta))
                continue
            }
            if old.text == d.text && old.metadata == meta {
                unchanged.append(try document(id, d.text, meta))
            } else {
                inputs.append(DocumentInput(id: id, text: d.text, metadata: d.metadata))
                updated.append(try document(id, d.text, meta))
            }
        }
        if !inputs.isEmpty { _ = try service.upsert(name, inputs) }
        return ["updated_documents": updated, "unchanged_documents": unchanged, "not_found_documents": notFound]
    }

    /// Hybrid retrieval reporting both scores: dense cosine and -bm25, fused by reciprocal rank.
    static func retrieve(_ service: KuraService, _ body: KAITOBodies.Retrieve) throws -> [[String: Any]] {
        let c = try collection(service, body.indexName)
        try service.checkEmbedder(c)
        let k = body.maxNodeCount
        let filter = try body.metadataFilter.map(MetadataFilter.init(json:))
        let depth = max(3 * k, 30)
        let vector = try service.embedder.embed([body.query])[0]
        let dense = try c.search(vector, k: depth, allowed: try filter.map { try c.chunkIDs(matching: $0) })
        let sparse = try c.lexicalSearch(body.query, k: depth, filter: filter)
        let fused = Retriever.fuse([dense.map(\.chunkID), sparse.map(\.chunkID)]).prefix(k)
        let denseScore = Dictionary(dense.map { ($0.chunkID, Double($0.score)) }, uniquingKeysWith: { a, _ in a })
        let sparseScore = Dictionary(sparse.map { ($0.chunkID, Double($0.score)) }, uniquingKeysWith: { a, _ in a })
        let stored = try c.chunks(fused.map(\.0))
        return try fused.compactMap { id, score in
            guard let s = stored[id] else { return nil }
            let source = denseScore[id] != nil && sparseScore[id] != nil ? "hybrid" : (denseScore[id] != nil ? "dense" : "sparse")
            return [
                "doc_id": s.documentID, "node_id": String(id), "text": s.text, "score": score, "dense_score": denseScore[id] ?? NSNull(),
                "sparse_score": sparseScore[id] ?? NSNull(), "source": source,
                "metadata": try ResultJSON.metadata(s.metadata, pages: PageSpan(chunkMetadata: s.chunkMetadata)),
            ]
        }
    }
}
