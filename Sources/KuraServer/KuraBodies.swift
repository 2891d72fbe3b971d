import Foundation
import KuraCore
import KuraRetrieval
import KuraStore
import KuraText

/// The request bodies of Kura's own routes, decoded with their numbers checked (see ``RequestBody``).
enum KuraBodies {
    /// `POST /v1/collections`.
    struct CreateCollection: Decodable {
        var name: String
        var dimension: Int?
        var metric: String?
        var analyzer: AnalyzerName
        /// The embedder whose vectors the collection will hold, when not the server's (a worker that
        /// embeds on its own); needs `dimension`.
        var embedder: String?

        enum CodingKeys: String, CodingKey { case name, dimension, metric, analyzer, embedder }

        init(from decoder: any Decoder) throws {
            let c = try decoder.container(keyedBy: CodingKeys.self)
            name = try c.decode(String.self, forKey: .name)
            dimension = try c.integer(.dimension, in: 1...65_536)
            metric = try c.optional(.metric)
            let name: String = try c.optional(.analyzer) ?? AnalyzerName.default.rawValue
            guard let analyzer = AnalyzerName(name: name) else {
                throw APIError.field("analyzer", "must be one of \(AnalyzerName.allCases.map(\.rawValue).joined(separator: ", ")), got '\(name)'")
            }
            self.analyzer = analyzer
            embedder = try c.optional(.embedder)
            if let embedder, embedder.isEmpty || embedder.utf8.count > 256 { throw APIError.field("embedder", "must be 1 to 256 bytes") }
        }
    }

    /// `POST /v1/collections/{name}/documents`. `embedder` names the embedder that made the vectors of
    /// documents sent with their chunks; it must be the collection's.
    struct Upsert: Decodable {
        var documents: [DocumentInput]
        var embedder: String?
    }

    /// `POST .../query` and `POST .../context`.
    struct Query: Decodable {
        var query: String?
        var vector: [Float]?
        var k: Int?
        var mode: Retriever.Mode?
        var filter: JSONValue?
        var ef: Int?
        var budgetTokens: Int?
        var mmrLambda: Double?

        enum CodingKeys: String, CodingKey {
            case query, vector, k, mode, filter, ef
            case budgetTokens = "budget_tokens"
            case mmrLambda = "mmr_lambda"
        }

        /// The most tokens a context may be asked for.
        static let budgetLimit = 1 << 20

        init(from decoder: any Decoder) throws {
            let c = try decoder.container(keyedBy: CodingKeys.self)
            query = try c.optional(.query)
            vector = try c.vector(.vector)
            k = try c.integer(.k, in: 1...Retriever.maxK)
            mode = try c.mode(.mode)
            filter = try c.object(.filter)
            ef = try c.integer(.ef, in: 1...10_000)
            budgetTokens = try c.integer(.budgetTokens, in: 1...Self.budgetLimit)
            mmrLambda = try c.number(.mmrLambda, in: 0...1)
        }

        /// The body, its vector parsed directly when it has one (see `VectorField`).
        static func decode(_ bytes: [UInt8]) throws -> Query {
            guard let (vector, rest) = VectorField.split(bytes) else { return try RequestBody.decode(Query.self, from: Data(bytes)) }
            var body = try RequestBody.decode(Query.self, from: Data(rest))
            body.vector = vector
            return body
        }

        func retrieverQuery() throws -> Retriever.Query {
            var q = Retriever.Query(text: query, vector: vector, k: k ?? 10)
            q.mode = mode
            q.filter = try filter.map(MetadataFilter.init(json:))
            q.ef = ef
            q.mmrLambda = mmrLambda
            return q
        }
    }
}

/// A document in an upsert request: raw text to chunk and embed, text with a vector, or text with its
/// chunks already cut and embedded by the client (`chunks`, optionally with the client's `content_hash`).
struct DocumentInput: Decodable {
    var id: String
    var text: String
    var metadata: JSONValue?
    var vector: [Float]?
    var chunks: [ChunkInput]?
    var contentHash: String?

    init(id: String, text: String, metadata: JSONValue? = nil, vector: [Float]? = nil) {
        self.id = id
        self.text = text
        self.metadata = metadata
        self.vector = vector
    }

    enum CodingKeys: String, CodingKey {
        case id, text, metadata, vector, chunks
        case contentHash = "content_hash"
    }

    init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        id = try c.decode(String.self, forKey: .id)
        text = try c.decode(String.self, forKey: .text)
        metadata = try c.object(.metadata)
        vector = try c.vector(.vector)
        chunks = try c.optional(.chunks)
        contentHash = try c.optional(.contentHash)
        if vector != nil && chunks != nil { throw APIError.field("vector", "give a vector or chunks, not both") }
        if let chunks, chunks.isEmpty { throw APIError.field("chunks", "must hold at least one chunk") }
        if let contentHash, contentHash.utf8.count != 64 || !contentHash.utf8.allSatisfy({ (0x30...0x39).contains($0) || (0x61...0x66).contains($0) }) {
            throw APIError.field("content_hash", "must be 64 lower-case hex digits (SHA-256)")
        }
    }
}

/// A chunk of a document sent with its vector: the exact span `text` of the document between `start`
/// and `end` (Unicode scalar offsets, `end` exclusive), its token count and optional metadata.
struct ChunkInput: Decodable {
    var text: String
    var start: Int
    var end: Int
    var tokenCount: Int
    var metadata: JSONValue?
    var vector: [Float]

    enum CodingKeys: String, CodingKey {
        case text, start, end, metadata, vector
        case tokenCount = "token_count"
    }

    init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        text = try c.decode(String.self, forKey: .text)
        start = try c.integer(.start, in: 0...Int(Int32.max)) ?? 0
        end = try c.integer(.end, in: 0...Int(Int32.max)) ?? 0
        tokenCount = try c.integer(.tokenCount, in: 0...Int(Int32.max)) ?? 0
        metadata = try c.object(.metadata)
        guard let vector = try c.vector(.vector) else { throw APIError.field("vector", "each chunk needs its vector") }
        self.vector = vector
        guard c.contains(.start), c.contains(.end), start <= end else { throw APIError.field("start", "each chunk needs start <= end") }
    }
}
