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

        enum CodingKeys: String, CodingKey { case name, dimension, metric, analyzer }

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
        }
    }

    /// `POST /v1/collections/{name}/documents`.
    struct Upsert: Decodable { var documents: [DocumentInput] }

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

/// A document in an upsert request: raw text to chunk and embed, or text with a vector.
struct DocumentInput: Decodable {
    var id: String
    var text: String
    var metadata: JSONValue?
    var vector: [Float]?

    init(id: String, text: String, metadata: JSONValue? = nil, vector: [Float]? = nil) {
        self.id = id
        self.text = text
        self.metadata = metadata
        self.vector = vector
    }

    enum CodingKeys: String, CodingKey { case id, text, metadata, vector }

    init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        id = try c.decode(String.self, forKey: .id)
        text = try c.decode(String.self, forKey: .text)
        metadata = try c.object(.metadata)
        vector = try c.vector(.vector)
    }
}
