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
    struct DocumentIn: Decodable {
        var docID: String?
        var text: String
        var metadata: JSONValue?
        enum CodingKeys: String, CodingKey {
            case text, metadata
            case docID = "doc_id"
        }
    }

    struct IndexBody: Decodable {
        var indexName: String
        var documents: [DocumentIn]
        enum CodingKeys: String, CodingKey {
            case documents
            case indexName = "index_name"
        }
    }

    struct UpdateBody: Decodable { var documents: [DocumentIn] }

    struct DeleteBody: Decodable {
        var docIDs: [String]
        enum CodingKeys: String, CodingKey { case docIDs = "doc_ids" }
    }

    struct RetrieveBody: Decodable {
        var indexName: String
        var query: String
        var maxNodeCount: Int?
        var metadataFilter: JSONValue?
        enum CodingKeys: String, CodingKey {
            case query
            case indexName = "index_name"
            case maxNodeCount = "max_node_count"
            case metadataFilter = "metadata_filter"
        }
    }

    /// Runs a handler with KAITO's error shape: `{"detail": message}`.
    static func kaito(_ body: () async throws -> Response) async -> Response {
        func detail(_ status: HTTPResponse.Status, _ message: String) -> Response { JSONResponse.make(["detail": message], status: status) }
        do {
            return try await body()
        } catch let e as KuraHTTPError {
            return detail(e.status == .badRequest && e.message.contains("field") ? .unprocessableContent : e.status, e.message)
        } catch let e as KuraError {
            switch e {
            case .invalidArgument(let m): return detail(.badRequest, m)
            case .notFound(let m): return detail(.notFound, m)
            case .conflict(let m): return detail(.conflict, m)
            case .upstream(let m): return detail(.badGateway, m)
            default: return detail(.internalServerError, "\(e)")
            }
        } catch {
            return detail(.internalServerError, "\(error)")
        }
    }

    static func decode<T: Decodable>(_ t: T.Type, _ request: Request, _ service: KuraService) async throws -> T {
        do { return try await JSONResponse.decode(t, from: request, limit: service.maxBodyBytes) } catch let e as KuraHTTPError {
            throw KuraHTTPError(e.status == .badRequest ? .unprocessableContent : e.status, e.message)
        }
    }

    static func collection(_ service: KuraService, _ name: String) throws -> DocumentCollection {
        guard try service.store.listCollections().contains(where: { $0.name == name }) else { throw KuraError.notFound("No such index: '\(name)' exists.") }
        return try service.store.collection(name)
    }

    static func document(_ id: String, _ text: String, _ metadata: String, maxLength: Int = .max) -> [String: Any] {
        let truncated = text.count > maxLength
        return [
            "doc_id": id, "text": truncated ? String(text.prefix(maxLength)) : text, "metadata": ResultJSON.metadata(metadata), "hash_value": NSNull(),
            "is_truncated": truncated,
        ]
    }

    static func add<Context: RequestContext>(to router: Router<Context>, _ service: KuraService, persistRoot: String) {
        router.get("/health") { _, _ in JSONResponse.make(["status": "Healthy", "detail": NSNull()]) }
        router.get("/indexes") { _, _ in
            await kaito { JSONResponse.make(try await blocking { try service.store.listCollections().map(\.name) }) }
        }
        router.post("/index") { request, _ in
            await kaito {
                let body = try await decode(IndexBody.self, request, service)
                let out = try await blockingUnchecked { () -> [[String: Any]] in
                    _ = try EmbeddedCollection.open(service.store, name: body.indexName, embedder: service.embedder)
                    // The doc_id is the SHA-256 of the text, so identical text is stored once.
                    let docs = body.documents.map { DocumentInput(id: ContentHash.sha256(Array($0.text.utf8)), text: $0.text, metadata: $0.metadata) }
                    var seen = Set<String>()
                    let unique = docs.filter { seen.insert($0.id).inserted }
                    _ = try service.upsert(body.indexName, unique)
                    return try unique.map { document($0.id, $0.text, try Record.canonical($0.metadata ?? .object([:]))) }
                }
                return JSONResponse.make(out)
            }
        }
        router.get("/indexes/:index/documents") { request, context in
            await kaito {
                let name = try context.parameters.require("index")
                let q = request.uri.queryParameters
                for name in ["limit", "offset", "max_text_length"] where q.get(name).map({ Int($0) == nil }) ?? false {
                    throw KuraHTTPError(.unprocessableContent, "\(name) must be an integer")
                }
                let limit = q.get("limit", as: Int.self) ?? 10, offset = q.get("offset", as: Int.self) ?? 0
                let maxText = q.get("max_text_length", as: Int.self) ?? 1000
                guard (1...100).contains(limit), offset >= 0, maxText >= 1 else {
                    throw KuraHTTPError(.unprocessableContent, "limit must be 1-100, offset and max_text_length non-negative")
                }
                let filter = try q.get("metadata_filter").map { raw -> MetadataFilter in
                    guard let value = try? JSONDecoder().decode(JSONValue.self, from: Data(String(raw).utf8)) else {
                        throw KuraError.invalidArgument("Invalid metadata_filter: not valid JSON")
                    }
                    return try MetadataFilter(json: value)
                }
                let (docs, total) = try await blocking { try collection(service, name).documentPage(offset: offset, limit: limit, filter: filter) }
                return JSONResponse.make([
                    "documents": docs.map { document($0.id, $0.text ?? "", $0.metadata, maxLength: maxText) }, "count": docs.count, "total_items": total,
                ])
            }
        }
        router.post("/indexes/:index/documents") { request, context in
            await kaito {
                let name = try context.parameters.require("index")
                let body = try await decode(UpdateBody.self, request, service)
                let out = try await blockingUnchecked { () -> [String: Any] in
                    let c = try collection(service, name)
                    var updated: [[String: Any]] = [], unchanged: [[String: Any]] = [], notFound: [[String: Any]] = []
                    var inputs: [DocumentInput] = []
                    for d in body.documents {
                        let meta = try Record.canonical(d.metadata ?? .object([:]))
                        guard let id = d.docID, let old = try c.document(id) else {
                            notFound.append(document(d.docID ?? "", d.text, meta))
                            continue
                        }
                        if old.text == d.text && old.metadata == meta {
                            unchanged.append(document(id, d.text, meta))
                        } else {
                            inputs.append(DocumentInput(id: id, text: d.text, metadata: d.metadata))
                            updated.append(document(id, d.text, meta))
                        }
                    }
                    if !inputs.isEmpty { _ = try service.upsert(name, inputs) }
                    return ["updated_documents": updated, "unchanged_documents": unchanged, "not_found_documents": notFound]
                }
                return JSONResponse.make(out)
            }
        }
        router.post("/indexes/:index/documents/delete") { request, context in
            await kaito {
                let name = try context.parameters.require("index")
                let body = try await decode(DeleteBody.self, request, service)
                let gone = try await blocking { try collection(service, name).delete(ids: body.docIDs) }
                return JSONResponse.make(["deleted_doc_ids": gone, "not_found_doc_ids": body.docIDs.filter { !gone.contains($0) }])
            }
        }
        router.delete("/indexes/:index") { _, context in
            await kaito {
                let name = try context.parameters.require("index")
                try await blocking {
                    _ = try collection(service, name)
                    try service.store.deleteCollection(name)
                }
                return JSONResponse.make(["message": "Successfully deleted index \(name)."])
            }
        }
        router.post("/persist/:index") { request, context in
            await kaito {
                let name = try context.parameters.require("index")
                let path = try Snapshots.path(request.uri.queryParameters.get("path").map { String($0) }, name: name, root: persistRoot)
                try await blocking { try Snapshots.save(try collection(service, name), to: path) }
                return JSONResponse.make(["message": "Successfully persisted index \(name) to \(path)."])
            }
        }
        router.post("/load/:index") { request, context in
            await kaito {
                let name = try context.parameters.require("index")
                let path = try Snapshots.path(request.uri.queryParameters.get("path").map { String($0) }, name: name, root: persistRoot)
                let overwrite = request.uri.queryParameters.get("overwrite", as: Bool.self) ?? false
                try await blocking { try Snapshots.load(service, name: name, from: path, overwrite: overwrite) }
                return JSONResponse.make(["message": "Successfully loaded index \(name) from \(path)."])
            }
        }
        router.post("/retrieve") { request, _ in
            await kaito {
                let body = try await decode(RetrieveBody.self, request, service)
                guard !body.query.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty else {
                    throw KuraError.invalidArgument("Query string cannot be empty.")
                }
                let k = body.maxNodeCount ?? 5
                guard (1...300).contains(k) else { throw KuraHTTPError(.unprocessableContent, "max_node_count must be between 1 and 300") }
                let results = try await blockingUnchecked { try retrieve(service, body, k: k) }
                return JSONResponse.make(["query": body.query, "results": results, "count": results.count])
            }
        }
    }

    /// Hybrid retrieval reporting both scores: dense cosine and -bm25, fused by reciprocal rank.
    static func retrieve(_ service: KuraService, _ body: RetrieveBody, k: Int) throws -> [[String: Any]] {
        let c = try collection(service, body.indexName)
        let filter = try body.metadataFilter.map(MetadataFilter.init(json:))
        let depth = max(3 * k, 30)
        let vector = try service.embedder.embed([body.query])[0]
        let dense = try c.search(vector, k: depth, allowed: try filter.map { try c.chunkIDs(matching: $0) })
        let sparse = try c.lexicalSearch(body.query, k: depth, filter: filter)
        let fused = Retriever.fuse([dense.map(\.chunkID), sparse.map(\.chunkID)]).prefix(k)
        let denseScore = Dictionary(dense.map { ($0.chunkID, Double($0.score)) }, uniquingKeysWith: { a, _ in a })
        let sparseScore = Dictionary(sparse.map { ($0.chunkID, Double($0.score)) }, uniquingKeysWith: { a, _ in a })
        let stored = try c.chunks(fused.map(\.0))
        return fused.compactMap { id, score in
            guard let s = stored[id] else { return nil }
            let source = denseScore[id] != nil && sparseScore[id] != nil ? "hybrid" : (denseScore[id] != nil ? "dense" : "sparse")
            return [
                "doc_id": s.documentID, "node_id": String(id), "text": s.text, "score": score, "dense_score": denseScore[id] ?? NSNull(),
                "sparse_score": sparseScore[id] ?? NSNull(), "source": source, "metadata": ResultJSON.metadata(s.metadata),
            ]
        }
    }
}

/// `/persist` and `/load`: a collection's documents as JSONL (`documents.jsonl` under the path), written
/// to a temporary file and renamed, so a crash never leaves half a snapshot; loading re-embeds them.
enum Snapshots {
    static func save(_ c: DocumentCollection, to path: String) throws {
        try c.flush()
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        let tmp = path + "/documents.jsonl.tmp"
        FileManager.default.createFile(atPath: tmp, contents: nil)
        guard let h = FileHandle(forWritingAtPath: tmp) else { throw KuraError.io(path: tmp, reason: "cannot write") }
        try c.export { try h.write(contentsOf: Data(($0.exportLine + "\n").utf8)) }
        try h.synchronize()
        try h.close()
        guard rename(tmp, path + "/documents.jsonl") == 0 else { throw KuraError.io(path: path, reason: String(cString: strerror(errno))) }
    }

    /// Where a snapshot goes: `root/name` by default; a given path must stay inside `root` (relative to it,
    /// or absolute under it), so a request can never write or read elsewhere on the server's disk.
    static func path(_ given: String?, name: String, root: String) throws -> String {
        let rootURL = URL(fileURLWithPath: root).standardizedFileURL
        guard let given, !given.isEmpty else { return rootURL.appendingPathComponent(name).path }
        let url = given.hasPrefix("/") ? URL(fileURLWithPath: given).standardizedFileURL : rootURL.appendingPathComponent(given).standardizedFileURL
        guard url.path.hasPrefix(rootURL.path + "/") else {
            throw KuraError.invalidArgument("path must be inside the persist directory \(rootURL.path)")
        }
        return url.path
    }

    static func load(_ service: KuraService, name: String, from path: String, overwrite: Bool) throws {
        let file = path + "/documents.jsonl"
        guard FileManager.default.fileExists(atPath: file) else { throw KuraError.notFound("No snapshot at \(path)") }
        if try service.store.listCollections().contains(where: { $0.name == name }) {
            guard overwrite else { throw KuraHTTPError(.conflict, "Index \(name) already exists; pass overwrite=true to replace it.") }
            try service.store.deleteCollection(name)
        }
        _ = try EmbeddedCollection.open(service.store, name: name, embedder: service.embedder)
        let docs = try DocumentLoader.load(path: file, id: "documents.jsonl").map {
            DocumentInput(id: $0.id, text: $0.text, metadata: try JSONDecoder().decode(JSONValue.self, from: Data($0.metadata.utf8)))
        }
        for start in stride(from: 0, to: docs.count, by: 256) { _ = try service.upsert(name, Array(docs[start..<min(docs.count, start + 256)])) }
    }
}
