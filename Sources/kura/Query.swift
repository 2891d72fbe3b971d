import ArgumentParser
import Foundation
import KuraCore
import KuraEmbed
import KuraRetrieval
import KuraServer
import KuraStore

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
