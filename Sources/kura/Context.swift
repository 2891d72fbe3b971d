import ArgumentParser
import Foundation
import KuraCore
import KuraEmbed
import KuraRetrieval
import KuraServer
import KuraStore

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
