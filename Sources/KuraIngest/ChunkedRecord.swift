import KuraCore
import KuraEmbed
import KuraStore

extension Chunker {
    /// What decides a document's vectors besides its text; documents hashed under other settings are
    /// embedded again.
    public func settings(embedder: any Embedder) -> String { "\(embedder.id)|chunk=\(maxTokens)|overlap=\(overlap)" }
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
    /// path as metadata.
    public init(document: SourceDocument, contentHash: String, chunks: [TextChunk], vectors: ArraySlice<[Float]>) throws {
        precondition(chunks.count == vectors.count, "one vector per chunk")
        let records = try zip(chunks, vectors).map { c, v -> Record.Chunk in
            let meta: JSONValue = c.headings.isEmpty ? .object([:]) : .object(["headings": .array(c.headings.map { .string($0) })])
            return Record.Chunk(text: c.text, start: c.start, end: c.end, tokenCount: c.tokenCount, metadata: try Record.canonical(meta), vector: v)
        }
        self.init(id: document.id, text: document.text, metadata: document.metadata, chunks: records, contentHash: contentHash)
    }

    /// Records for documents chunked into `pieces`, whose vectors lie end to end in `vectors`.
    public static func documents(_ docs: [(SourceDocument, String)], pieces: [[TextChunk]], vectors: [[Float]]) throws -> [Record] {
        var next = 0
        return try zip(docs, pieces).map { item, chunks in
            defer { next += chunks.count }
            return try Record(document: item.0, contentHash: item.1, chunks: chunks, vectors: vectors[next..<(next + chunks.count)])
        }
    }
}
