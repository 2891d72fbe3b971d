import Foundation
import KuraCore
import KuraEmbed
import KuraRetrieval
import KuraStore

/// The MCP tools Kura offers agents: `search`, `get_context` and `list_collections`. Arguments are
/// decoded into typed values with the same checked reads as the HTTP bodies (see ``RequestBody``), so a
/// bad argument is a tool error the agent can read, never a trap.
enum MCPTools {
    /// What a tool call answers: text for the model, and the same facts as a JSON object that the tool's
    /// `outputSchema` describes (MCP 2025-06-18's `structuredContent`).
    struct Output {
        var text: String
        var structured: [String: Any]
    }

    /// The `tools/list` answer: names, descriptions, input schemas that state their limits, and, when
    /// `structured` (protocol 2025-06-18 and later), output schemas.
    static func definitions(structured: Bool) -> [[String: Any]] {
        guard structured else { return tools }
        return tools.map { tool in
            var tool = tool
            tool["outputSchema"] = (tool["name"] as? String).flatMap { outputSchemas[$0] }
            return tool
        }
    }

    nonisolated(unsafe) private static let tools: [[String: Any]] = [
        [
            "name": "search",
            "description": "Search a Kura collection; returns the best chunks with document ids, chunk ids, scores and metadata.",
            "inputSchema": schema(
                required: ["collection", "query"],
                [
                    "collection": ["type": "string", "minLength": 1], "query": ["type": "string", "minLength": 1],
                    "k": ["type": "integer", "minimum": 1, "maximum": Retriever.maxK, "default": 5],
                    "mode": ["type": "string", "enum": ["dense", "lexical", "hybrid"]], "filter": ["type": "object"],
                    "mmr_lambda": ["type": "number", "minimum": 0, "maximum": 1],
                ]),
        ],
        [
            "name": "get_context",
            "description": "Context for a question from a Kura collection, fitted to a token budget, with numbered citations.",
            "inputSchema": schema(
                required: ["collection", "query"],
                [
                    "collection": ["type": "string", "minLength": 1], "query": ["type": "string", "minLength": 1],
                    "budget_tokens": ["type": "integer", "minimum": 1, "maximum": KuraBodies.Query.budgetLimit, "default": 1024],
                    "k": ["type": "integer", "minimum": 1, "maximum": Retriever.maxK, "default": 10], "filter": ["type": "object"],
                ]),
        ],
        ["name": "list_collections", "description": "The collections Kura holds.", "inputSchema": schema(required: [], [:])],
    ]

    /// The shapes of `structuredContent`, the same names as the HTTP API's results (``ResultJSON``).
    nonisolated(unsafe) private static let outputSchemas: [String: [String: Any]] = {
        let integer = ["type": "integer"], number = ["type": "number"], string = ["type": "string"], object = ["type": "object"]
        let pages = ["page_start": integer, "page_end": integer, "slide": integer, "slide_end": integer]
        let hit = schema(
            required: ["document_id", "chunk_id", "score", "text"],
            ["document_id": string, "chunk_id": integer, "score": number, "text": string, "start": integer, "end": integer, "metadata": object]
                .merging(pages) { a, _ in a })
        let citation = schema(
            required: ["n", "document_id", "chunk_ids", "score"],
            [
                "n": integer, "document_id": string, "chunk_ids": ["type": "array", "items": integer], "score": number, "start": integer,
                "end": integer, "metadata": object,
            ].merging(pages) { a, _ in a })
        let collection = schema(required: ["name", "dimension", "embedder"], ["name": string, "dimension": integer, "embedder": string])
        return [
            "search": schema(required: ["results"], ["results": ["type": "array", "items": hit]]),
            "get_context": schema(
                required: ["context", "tokens", "citations"], ["context": string, "tokens": integer, "citations": ["type": "array", "items": citation]]),
            "list_collections": schema(required: ["collections"], ["collections": ["type": "array", "items": collection]]),
        ]
    }()

    private static func schema(required: [String], _ properties: [String: Any]) -> [String: Any] {
        ["type": "object", "properties": properties, "required": required]
    }

    static var names: [String] { tools.compactMap { $0["name"] as? String } }

    /// `search` and `get_context` arguments.
    struct Arguments: Decodable {
        var collection: String
        var query: String
        var k: Int?
        var mode: Retriever.Mode?
        var filter: JSONValue?
        var mmrLambda: Double?
        var budgetTokens: Int?

        enum CodingKeys: String, CodingKey {
            case collection, query, k, mode, filter
            case mmrLambda = "mmr_lambda"
            case budgetTokens = "budget_tokens"
        }

        init(from decoder: any Decoder) throws {
            let c = try decoder.container(keyedBy: CodingKeys.self)
            collection = try c.decode(String.self, forKey: .collection)
            query = try c.decode(String.self, forKey: .query)
            guard !collection.isEmpty, !query.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty else {
                throw APIError(.invalidField, "collection and query must be non-empty strings")
            }
            k = try c.integer(.k, in: 1...Retriever.maxK)
            mode = try c.mode(.mode)
            filter = try c.object(.filter)
            mmrLambda = try c.number(.mmrLambda, in: 0...1)
            budgetTokens = try c.integer(.budgetTokens, in: 1...KuraBodies.Query.budgetLimit)
        }

        func query(k fallback: Int) throws -> Retriever.Query {
            var q = Retriever.Query(text: query, k: k ?? fallback)
            q.mode = mode
            q.filter = try filter.map(MetadataFilter.init(json:))
            q.mmrLambda = mmrLambda
            return q
        }
    }

    /// Runs tool `name` with `arguments` (a JSON object's bytes). The text is JSON (search, list) or the
    /// context followed by its citations; the structured form holds the same results.
    /// - Throws: ``APIError`` or `KuraError` for bad arguments and failed searches, which the endpoint
    ///   answers as a tool result with `isError`.
    static func call(_ name: String, arguments: Data, _ service: KuraService) throws -> Output {
        switch name {
        case "list_collections":
            let list = try service.store.listCollections().map { ["name": $0.name, "dimension": $0.dimension, "embedder": $0.embedder] as [String: Any] }
            return Output(text: try json(list), structured: ["collections": list])
        case "search":
            let args = try RequestBody.decode(Arguments.self, from: arguments)
            let hits = try service.retriever(args.collection).search(try args.query(k: 5)).map(ResultJSON.object)
            return Output(text: try json(hits), structured: ["results": hits])
        case "get_context":
            let args = try RequestBody.decode(Arguments.self, from: arguments)
            let results = try service.retriever(args.collection).search(try args.query(k: 10))
            let context = try ContextAssembler(counter: service.embedder.tokenCounter).assemble(results, budget: args.budgetTokens ?? 1024)
            let object = try ResultJSON.object(context)
            return Output(text: context.text + "\n\nSources: " + (try json(object["citations"] ?? [])), structured: object)
        default:
            throw APIError(.notFound, "unknown tool '\(name.prefix(64))'; use \(names.joined(separator: ", "))")
        }
    }

    private static func json(_ object: Any) throws -> String {
        String(decoding: try JSONSerialization.data(withJSONObject: object, options: [.sortedKeys, .withoutEscapingSlashes]), as: UTF8.self)
    }
}
