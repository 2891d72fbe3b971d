import ArgumentParser
import Foundation
import KuraIndex

@main
struct Kura: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "kura",
        abstract: "Kura: a retrieval service for RAG on Kubernetes.",
        subcommands: [Collections.self, Ingest.self, Embed.self, Query.self, Context.self, Export.self, Compact.self, Verify.self, Bench.self])

    static func main() {
        BLASStartup.ensureFastCore()
        do {
            var command = try parseAsRoot()
            try command.run()
        } catch {
            exit(withError: error)
        }
    }
}
