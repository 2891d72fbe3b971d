import Dispatch
import Foundation
import KuraCore
import KuraEmbed
import KuraIngest
import KuraRetrieval
import KuraStore

/// What the HTTP routes work on: the open store and the embedder. Store calls and embedding block, so
/// routes run them off the async executor with `blocking`.
public final class KuraService: Sendable {
    /// The open data directory.
    public let store: Store
    /// The embedder for documents and query texts.
    public let embedder: any Embedder
    /// Chunking for documents sent as raw text.
    public let chunkTokens: Int
    /// Tokens a chunk repeats from the one before.
    public let overlap: Int
    /// The largest request body accepted.
    public let maxBodyBytes: Int
    /// The service's Prometheus metrics.
    public let metrics = ServerMetrics()

    /// A service over `store` with `embedder`, chunking raw text as given.
    public init(store: Store, embedder: any Embedder, chunkTokens: Int = 256, overlap: Int = 32, maxBodyBytes: Int = 32 << 20) {
        self.store = store
        self.embedder = embedder
        self.chunkTokens = chunkTokens
        self.overlap = overlap
        self.maxBodyBytes = maxBodyBytes
    }

    var chunker: Chunker { Chunker(embedder: embedder, chunkTokens: chunkTokens, overlap: overlap) }

    func retriever(_ name: String) throws -> Retriever {
        let c = try store.collection(name)
        let compatible = c.info.embedder.isEmpty || c.info.embedder == embedder.id
        return Retriever(collection: c, embedder: compatible ? embedder : nil)
    }

    /// Refuses text for a collection built with another embedder: its vectors and ours do not compare.
    func checkEmbedder(_ c: DocumentCollection) throws {
        guard c.info.embedder.isEmpty || c.info.embedder == embedder.id else {
            throw KuraError.invalidArgument(
                "collection '\(c.info.name)' was built with embedder \(c.info.embedder); this server embeds with \(embedder.id): send vectors, or serve with that embedder"
            )
        }
    }

    /// Upserts documents given as raw text (chunked and embedded here, as `kura ingest` does), with their
    /// own vector, or with chunks and vectors made by a client whose `embedder` is the collection's.
    /// - Throws: `KuraError.invalidArgument` for a mismatched embedder, a vector of the wrong dimension or
    ///   a chunk that is not the span of the text it claims; nothing of the request is written then.
    func upsert(_ name: String, _ docs: [DocumentInput], embedder clientEmbedder: String? = nil) throws -> UpsertResult {
        let c = try store.collection(name)
        let chunker = self.chunker
        let settings = chunker.settings(embedder: embedder)
        if docs.contains(where: { $0.chunks != nil }) { try checkClientEmbedder(clientEmbedder, c) }
        var records: [Record?] = []
        var toEmbed: [(index: Int, doc: SourceDocument, hash: String)] = []
        for (i, d) in docs.enumerated() {
            var metadata: [String: JSONValue] = [:]
            if let m = d.metadata {
                guard case .object(let o) = m else { throw KuraError.invalidArgument("document '\(d.id)': metadata must be an object") }
                metadata = o
            }
            let doc = try SourceDocument(id: d.id, text: d.text, metadata: metadata)
            if let v = d.vector {
                records.append(Record(id: d.id, text: d.text, metadata: doc.metadata, vector: v))
            } else if let chunks = d.chunks {
                records.append(try Self.record(doc, chunks: chunks, hash: d.contentHash, embedder: clientEmbedder ?? "", dimension: c.info.dimension))
            } else {
                records.append(nil)
                toEmbed.append((i, doc, Record.hash(text: doc.text, metadata: doc.metadata, settings: settings)))
            }
        }
        guard !toEmbed.isEmpty else { return try c.upsert(records.map { $0! }) }
        return try embedAndWrite(c, records: records, toEmbed: toEmbed)
    }

    /// Upserts documents a loader read from an uploaded file (PDF, Office, text): chunked and embedded
    /// here as `kura ingest` does, unchanged ones reported and left alone.
    /// - Throws: `KuraError.invalidArgument` when the collection was built with another embedder.
    func upsert(_ name: String, loaded docs: [SourceDocument]) throws -> UpsertResult {
        let c = try store.collection(name)
        let settings = chunker.settings(embedder: embedder)
        let toEmbed = docs.enumerated().map { ($0.offset, $0.element, Record.hash(text: $0.element.text, metadata: $0.element.metadata, settings: settings)) }
        return try embedAndWrite(c, records: Array(repeating: nil, count: docs.count), toEmbed: toEmbed)
    }

    /// Embeds the documents of `toEmbed` that changed into their slots of `records` and writes them all.
    private func embedAndWrite(_ c: DocumentCollection, records: [Record?], toEmbed: [(index: Int, doc: SourceDocument, hash: String)]) throws -> UpsertResult {
        try checkEmbedder(c)
        var records = records
        // Unchanged documents are matched by hash before embedding; they are reported, not rewritten.
        let unchanged = try c.unchanged(Dictionary(toEmbed.map { ($0.doc.id, $0.hash) }, uniquingKeysWith: { a, _ in a }))
        let fresh = toEmbed.filter { !unchanged.contains($0.doc.id) }
        let embedded = try chunker.records(fresh.map { ($0.doc, $0.hash) }, embedder: embedder)
        for (item, record) in zip(fresh, embedded) { records[item.index] = record }
        var result = try c.upsert(records.compactMap { $0 })
        metrics.ingested(documents: fresh.count, chunks: embedded.reduce(0) { $0 + $1.chunks.count })
        result.unchanged += toEmbed.map(\.doc.id).filter { unchanged.contains($0) }
        return result
    }

    /// Vectors made elsewhere are comparable with the collection's only when the same embedder made them.
    private func checkClientEmbedder(_ id: String?, _ c: DocumentCollection) throws {
        guard let id else { throw KuraError.invalidArgument("documents sent with chunks need \"embedder\": the id of the embedder that made their vectors") }
        guard c.info.embedder.isEmpty || c.info.embedder == id else {
            throw KuraError.invalidArgument("collection '\(c.info.name)' holds vectors of embedder \(c.info.embedder); these were made by \(id.prefix(256))")
        }
    }

    /// A document's record from chunks a client cut and embedded: each chunk must be the exact span of the
    /// text its offsets name (the stored text is rebuilt from them), each vector of the collection's width.
    static func record(_ doc: SourceDocument, chunks: [ChunkInput], hash: String?, embedder: String, dimension: Int) throws -> Record {
        let scalars = Array(doc.text.unicodeScalars)
        let records = try chunks.enumerated().map { n, chunk -> Record.Chunk in
            let what = "document '\(doc.id.prefix(128))' chunk \(n)"
            // Scalar by scalar: String's == would accept a differently normalised span (é against e + ◌́).
            guard chunk.end <= scalars.count, chunk.text.unicodeScalars.elementsEqual(scalars[chunk.start..<chunk.end]) else {
                throw KuraError.invalidArgument("\(what): text is not the span \(chunk.start)..<\(chunk.end) of the document's \(scalars.count) characters")
            }
            guard chunk.vector.count == dimension else {
                throw KuraError.invalidArgument("\(what): vector has \(chunk.vector.count) dimensions; the collection has \(dimension)")
            }
            var metadata = "{}"
            if let m = chunk.metadata {
                guard case .object = m else { throw KuraError.invalidArgument("\(what): metadata must be an object") }
                metadata = try Record.canonical(m)
            }
            return Record.Chunk(text: chunk.text, start: chunk.start, end: chunk.end, tokenCount: chunk.tokenCount, metadata: metadata, vector: chunk.vector)
        }
        let spans = chunks.map { "\($0.start)-\($0.end)" }.joined(separator: ",")
        let contentHash = hash ?? Record.hash(text: doc.text, metadata: doc.metadata, settings: "\(embedder)|chunks=\(spans)")
        return Record(id: doc.id, text: doc.text, metadata: doc.metadata, chunks: records, contentHash: contentHash)
    }
}
