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
    public let store: Store
    public let embedder: any Embedder
    /// Chunking for documents sent as raw text.
    public let chunkTokens: Int
    public let overlap: Int
    /// The largest request body accepted.
    public let maxBodyBytes: Int
    public let metrics = ServerMetrics()

    public init(store: Store, embedder: any Embedder, chunkTokens: Int = 256, overlap: Int = 32, maxBodyBytes: Int = 32 << 20) {
        self.store = store
        self.embedder = embedder
        self.chunkTokens = chunkTokens
        self.overlap = overlap
        self.maxBodyBytes = maxBodyBytes
    }

    var chunker: Chunker { Chunker(maxTokens: min(chunkTokens, embedder.maxTokens ?? .max), overlap: overlap, counter: embedder.tokenCounter) }

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

    /// Upserts documents given as raw text (chunked and embedded here, as `kura ingest` does) or with
    /// their own vector.
    func upsert(_ name: String, _ docs: [DocumentInput]) throws -> UpsertResult {
        let c = try store.collection(name)
        let chunker = self.chunker
        let settings = chunker.settings(embedder: embedder)
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
            } else {
                records.append(nil)
                toEmbed.append((i, doc, Record.hash(text: doc.text, metadata: doc.metadata, settings: settings)))
            }
        }
        guard !toEmbed.isEmpty else { return try c.upsert(records.map { $0! }) }
        try checkEmbedder(c)
        // Unchanged documents are matched by hash before embedding; they are reported, not rewritten.
        let unchanged = try c.unchanged(Dictionary(toEmbed.map { ($0.doc.id, $0.hash) }, uniquingKeysWith: { a, _ in a }))
        let fresh = toEmbed.filter { !unchanged.contains($0.doc.id) }
        let pieces = fresh.map { chunker.chunk($0.doc.text, format: $0.doc.format, title: $0.doc.title) }
        let vectors = try embedder.embed(pieces.joined().map(\.embedText))
        for (item, record) in zip(fresh, try Record.documents(fresh.map { ($0.doc, $0.hash) }, pieces: pieces, vectors: vectors)) {
            records[item.index] = record
        }
        var result = try c.upsert(records.compactMap { $0 })
        metrics.ingested(documents: fresh.count, chunks: vectors.count)
        result.unchanged += docs.map(\.id).filter { unchanged.contains($0) }
        return result
    }
}
