import KuraCore
import KuraEmbed
import KuraStore

extension Chunker {
    /// The chunker every ingest path uses with `embedder`: at most `chunkTokens` tokens a chunk (never past
    /// the model's input), `overlap` repeated, counted with the embedder's tokenizer.
    public init(embedder: any Embedder, chunkTokens: Int, overlap: Int) {
        self.init(maxTokens: min(chunkTokens, embedder.maxTokens ?? .max), overlap: overlap, counter: embedder.tokenCounter)
    }

    /// What decides a document's vectors besides its text; documents hashed under other settings are
    /// embedded again.
    public func settings(embedder: any Embedder) -> String { "\(embedder.id)|chunk=\(maxTokens)|overlap=\(overlap)" }

    /// Documents, each with its content hash, chunked, embedded in one call and made into records: what
    /// every ingest path (local, server, worker, benchmark) does with the documents it writes.
    /// - Throws: the embedder's errors, or `KuraError.invalidArgument` when it returns another number of
    ///   vectors than it was given chunks.
    public func records(_ docs: [(SourceDocument, String)], embedder: any Embedder) throws -> [Record] {
        let pieces = docs.map { chunk($0.0.text, format: $0.0.format, title: $0.0.title) }
        let texts = pieces.joined().map(\.embedText)
        let vectors = try embedder.embed(texts)
        guard vectors.count == texts.count else { throw KuraError.invalidArgument("the embedder returned \(vectors.count) vectors for \(texts.count) chunks") }
        return try Record.documents(docs, pieces: pieces, vectors: vectors)
    }
}

extension SourceDocument {
    /// A document from JSON fields (a .jsonl line, an API body); a string `title` in its metadata heads
    /// every chunk's heading path.
    public init(id: String, text: String, metadata: [String: JSONValue]) throws {
        var title: String?
        if case .string(let t)? = metadata["title"] { title = t }
        // A loader's "format" (markdown, rst, code) keeps heading- and definition-aware chunking when
        // documents arrive over the API as they do from files.
        var format = TextFormat.plain
        if case .string(let f)? = metadata["format"], let known = TextFormat(rawValue: f) { format = known }
        self.init(id: id, text: text, metadata: try Record.canonical(.object(metadata)), format: format, title: title)
    }
}

extension Record {
    /// A document's record from its chunks and their vectors, in order; each chunk keeps its heading
    /// path, and the pages (or slide) it holds when the document has them, as metadata.
    public init(document: SourceDocument, contentHash: String, chunks: [TextChunk], vectors: ArraySlice<[Float]>) throws {
        precondition(chunks.count == vectors.count, "one vector per chunk")
        let scalars = document.pages == nil ? [] : Array(document.text.unicodeScalars)
        let records = try zip(chunks, vectors).map { c, v -> Record.Chunk in
            var meta = (document.pages?.span(of: c.start..<c.end, in: scalars).fields ?? [:]).mapValues { JSONValue.number(Double($0)) }
            if !c.headings.isEmpty { meta["headings"] = .array(c.headings.map { .string($0) }) }
            return Record.Chunk(text: c.text, start: c.start, end: c.end, tokenCount: c.tokenCount, metadata: try Record.canonical(.object(meta)), vector: v)
        }
        self.init(id: document.id, text: document.text, metadata: document.metadata, chunks: records, contentHash: contentHash)
    }

    /// Records for documents chunked into `pieces`, whose vectors lie end to end in `vectors`.
    static func documents(_ docs: [(SourceDocument, String)], pieces: [[TextChunk]], vectors: [[Float]]) throws -> [Record] {
        var next = 0
        return try zip(docs, pieces).map { item, chunks in
            defer { next += chunks.count }
            return try Record(document: item.0, contentHash: item.1, chunks: chunks, vectors: vectors[next..<(next + chunks.count)])
        }
    }
}
