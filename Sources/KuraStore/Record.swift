import Foundation
import KuraCore

/// One document and its chunks, each with a vector. `kura ingest --vectors` reads single-chunk records
/// `{"id","text","metadata","vector"}`; file ingestion makes one chunk per piece of the chunker.
public struct Record: Sendable, Equatable {
    /// A span of the document with its vector. Offsets count Unicode scalars (code points), so a
    /// client slicing the document text by them gets the chunk back.
    public struct Chunk: Sendable, Equatable {
        /// The chunk's text, the document's text from `start` to `end`.
        public var text: String
        /// Where the chunk starts.
        public var start: Int
        /// Where it ends (exclusive).
        public var end: Int
        /// Tokens embedded for it.
        public var tokenCount: Int
        /// A JSON object (canonical text) of chunk-level facts, such as the markdown heading path.
        public var metadata: String
        /// Its vector, of the collection's dimension.
        public var vector: [Float]

        /// A chunk with the fields above.
        public init(text: String, start: Int, end: Int, tokenCount: Int, metadata: String = "{}", vector: [Float]) {
            self.text = text
            self.start = start
            self.end = end
            self.tokenCount = tokenCount
            self.metadata = metadata
            self.vector = vector
        }
    }

    /// The document's id in its collection.
    public var id: String
    /// The document's whole text.
    public var text: String
    /// A JSON object, as canonical JSON text (sorted keys).
    public var metadata: String
    /// Its chunks, in order.
    public var chunks: [Chunk]
    /// Identifies the content; an upsert with the stored hash changes nothing.
    public var contentHash: String

    /// A document that is one chunk; its hash covers text, metadata and vector.
    public init(id: String, text: String, metadata: String = "{}", vector: [Float]) {
        var words = 0
        var scalars = 0
        var inWord = false
        for u in text.unicodeScalars {
            scalars += 1
            let space = u.properties.isWhitespace
            if !space && !inWord { words += 1 }
            inWord = !space
        }
        let chunk = Chunk(text: text, start: 0, end: scalars, tokenCount: words, vector: vector)
        self.init(id: id, text: text, metadata: metadata, chunks: [chunk], contentHash: Self.hash(text: text, metadata: metadata, vector: vector))
    }

    /// A chunked document; `contentHash` is the caller's (see `Record.hash`), computed before embedding
    /// so unchanged documents are never embedded again.
    public init(id: String, text: String, metadata: String, chunks: [Chunk], contentHash: String) {
        self.id = id
        self.text = text
        self.metadata = metadata
        self.chunks = chunks
        self.contentHash = contentHash
    }

    /// The vector of the first chunk.
    public var vector: [Float] { chunks.first?.vector ?? [] }

    /// SHA-256 over text, metadata, and whatever else decides the vectors (embedder, chunking settings).
    public static func hash(text: String, metadata: String, settings: String) -> String {
        ContentHash.sha256(Array(text.utf8) + [0] + Array(metadata.utf8) + [0] + Array(settings.utf8))
    }

    static func hash(text: String, metadata: String, vector: [Float]) -> String {
        var bytes: [UInt8] = []
        bytes.reserveCapacity(text.utf8.count + metadata.utf8.count + 2 + vector.count * 4)
        bytes += text.utf8
        bytes.append(0)
        bytes += metadata.utf8
        bytes.append(0)
        vector.withUnsafeBytes { bytes += $0 }
        return ContentHash.sha256(bytes)
    }

    private struct Line: Decodable {
        var id: String?
        var text: String?
        var metadata: JSONValue?
        var vector: [Float]?
    }

    /// Parses one JSON line. Errors say which field is wrong.
    public init(jsonLine: Substring) throws {
        if let fast = try RecordLine.parse(jsonLine.utf8) {
            self = fast
        } else {
            try self.init(decodingJSONLine: jsonLine)
        }
    }

    /// The same through JSONDecoder, for any line `RecordLine` does not take.
    init(decodingJSONLine jsonLine: Substring) throws {
        let line: Line
        do {
            line = try JSONDecoder().decode(Line.self, from: Data(jsonLine.utf8))
        } catch DecodingError.typeMismatch(_, let context), DecodingError.dataCorrupted(let context) {
            let field = context.codingPath.first?.stringValue
            switch field {
            case "vector"?: throw KuraError.invalidArgument("\"vector\" must hold only numbers")
            case let f?: throw KuraError.invalidArgument("\"\(f)\" has the wrong type")
            case nil: throw KuraError.invalidArgument("not a JSON object")
            }
        } catch {
            throw KuraError.invalidArgument("not a JSON object")
        }
        guard let id = line.id, !id.isEmpty else { throw KuraError.invalidArgument("\"id\" must be a non-empty string") }
        guard let text = line.text else { throw KuraError.invalidArgument("\"text\" must be a string") }
        guard let vector = line.vector, !vector.isEmpty else { throw KuraError.invalidArgument("\"vector\" must be a non-empty array of numbers") }
        let metadata = line.metadata ?? .object([:])
        guard case .object = metadata else { throw KuraError.invalidArgument("\"metadata\" must be an object") }
        self.init(id: id, text: text, metadata: try Self.canonical(metadata), vector: vector)
    }

    /// `value` as canonical JSON text: keys sorted, slashes unescaped.
    /// - Throws: `EncodingError` for a value JSON cannot hold.
    public static func canonical(_ value: JSONValue) throws -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return String(decoding: try encoder.encode(value), as: UTF8.self)
    }

    /// The JSON line `kura export` writes: id, text, metadata.
    /// - Throws: `corruptFile` when the stored metadata is not a JSON object: a backup never holds a
    ///   record rewritten as something else.
    public func exportLine() throws -> String {
        let stored = metadata.isEmpty ? "{}" : metadata
        guard let meta = try? JSONDecoder().decode(JSONValue.self, from: Data(stored.utf8)), case .object = meta else {
            throw KuraError.corruptFile(path: "catalog", reason: "document '\(id)' has metadata that is not a JSON object: \(metadata.prefix(80))")
        }
        return try Self.canonical(.object(["id": .string(id), "text": .string(text), "metadata": meta]))
    }
}
