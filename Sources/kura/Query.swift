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

struct Query: ParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Search a collection: the best chunks, best first.")
    @OptionGroup var store: StoreOptions
    @OptionGroup var embedding: EmbedderOptions
    @OptionGroup var search: SearchOptions
    @Flag(help: "Print one JSON object.") var json = false

    func run() throws {
        let results = try search.retriever(store.open(), embedding).search(search.query())
        if json {
            emitLine(jsonLine(["results": try results.map(ResultJSON.object)]))
        } else {
            for (i, r) in results.enumerated() {
                let snippet = r.text.replacingOccurrences(of: "\n", with: " ").prefix(160)
                let source = r.documentID + (r.pages.map { " (\($0.label))" } ?? "")
                print(String(format: "%2d. %.4f  %@  %@", i + 1, r.score, source, String(snippet)))
            }
        }
    }
}

struct Context: ParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Assemble prompt context for a query within a token budget, with numbered citations.")
    @OptionGroup var store: StoreOptions
    @OptionGroup var embedding: EmbedderOptions
    @OptionGroup var search: SearchOptions
    @Option(name: .customLong("budget-tokens"), help: "Most tokens of context.") var budgetTokens: Int = 1024
    @Flag(help: "Print one JSON object.") var json = false

    func validate() throws { guard budgetTokens > 0 else { throw ValidationError("--budget-tokens must be positive") } }

    func run() throws {
        let retriever = try search.retriever(store.open(), embedding)
        let counter = retriever.embedder?.tokenCounter ?? WordTokenCounter()
        let context = try ContextAssembler(counter: counter).assemble(try retriever.search(search.query()), budget: budgetTokens)
        if json {
            emitLine(jsonLine(try ResultJSON.object(context)))
        } else {
            print(context.text)
            print("\n(\(context.tokens) tokens, \(context.citations.count) sources)")
        }
    }
}
