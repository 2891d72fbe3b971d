import KuraStore

/// The request bodies of the KAITO RAGEngine routes, decoded with their numbers checked (see
/// ``RequestBody``); a failed check is 422 there, as KAITO's FastAPI validation answers.
enum KAITOBodies {
    struct Document: Decodable {
        var docID: String?
        var text: String
        var metadata: JSONValue?
        enum CodingKeys: String, CodingKey {
            case text, metadata
            case docID = "doc_id"
        }

        init(from decoder: any Decoder) throws {
            let c = try decoder.container(keyedBy: CodingKeys.self)
            docID = try c.optional(.docID)
            text = try c.decode(String.self, forKey: .text)
            metadata = try c.object(.metadata)
        }
    }

    /// `POST /index`.
    struct Index: Decodable {
        var indexName: String
        var documents: [Document]
        enum CodingKeys: String, CodingKey {
            case documents
            case indexName = "index_name"
        }
    }

    /// `POST /indexes/{index}/documents`.
    struct Update: Decodable { var documents: [Document] }

    /// `POST /indexes/{index}/documents/delete`.
    struct Delete: Decodable {
        var docIDs: [String]
        enum CodingKeys: String, CodingKey { case docIDs = "doc_ids" }
    }

    /// `POST /retrieve`.
    struct Retrieve: Decodable {
        var indexName: String
        var query: String
        var maxNodeCount: Int
        var metadataFilter: JSONValue?
        enum CodingKeys: String, CodingKey {
            case query
            case indexName = "index_name"
            case maxNodeCount = "max_node_count"
            case metadataFilter = "metadata_filter"
        }

        init(from decoder: any Decoder) throws {
            let c = try decoder.container(keyedBy: CodingKeys.self)
            indexName = try c.decode(String.self, forKey: .indexName)
            query = try c.decode(String.self, forKey: .query)
            maxNodeCount = try c.integer(.maxNodeCount, in: 1...300) ?? 5
            metadataFilter = try c.object(.metadataFilter)
        }
    }
}
