import ArgumentParser
import Foundation
import KuraCore
import KuraEmbed
import KuraRetrieval
import KuraServer
import KuraStore

/// What `query` and `context` share: the collection, the query, how to search.
struct SearchOptions: ParsableArguments {
    @Option(help: "Collection to search.") var collection: String
    @Argument(help: "The query text.") var text: String
    @Option(name: [.customShort("k"), .long], help: "Chunks to retrieve.") var k: Int = 10
    @Option(help: "dense, lexical or hybrid (default).") var mode: String = "hybrid"
    @Option(help: "A metadata filter as JSON, e.g. '{\"format\":\"markdown\"}'.") var filter: String?
    @Option(help: "HNSW candidate list for this query.") var ef: Int?
    @Option(help: "Diversify with maximal marginal relevance: 1 keeps relevance order, 0 only diversifies.") var mmr: Double?

    func validate() throws {
        guard Retriever.Mode(rawValue: mode) != nil else { throw ValidationError("unknown mode '\(mode)'; use dense, lexical or hybrid") }
        guard (1...1000).contains(k) else { throw ValidationError("-k must be between 1 and 1000") }
        if let mmr, !(0...1).contains(mmr) { throw ValidationError("--mmr must be between 0 and 1") }
    }

    func query() throws -> Retriever.Query {
        var q = Retriever.Query(text: text, k: k)
        q.mode = Retriever.Mode(rawValue: mode)
        q.ef = ef
        q.mmrLambda = mmr
        if let filter {
            guard let value = try? JSONDecoder().decode(JSONValue.self, from: Data(filter.utf8)) else {
                throw KuraError.invalidArgument("--filter is not valid JSON")
            }
            q.filter = try MetadataFilter(json: value)
        }
        return q
    }

    /// The retriever, with the query embedder the collection was built with.
    func retriever(_ store: Store, _ embedding: EmbedderOptions) throws -> Retriever {
        let c = try store.collection(collection)
        guard mode != "lexical" else { return Retriever(collection: c, embedder: nil) }
        let embedder = try embedding.make(cacheDirectory: store.directory)
        if !c.info.embedder.isEmpty && c.info.embedder != embedder.id {
            throw KuraError.invalidArgument("collection '\(collection)' was built with embedder \(c.info.embedder); this query uses \(embedder.id)")
        }
        return Retriever(collection: c, embedder: embedder)
    }
}
