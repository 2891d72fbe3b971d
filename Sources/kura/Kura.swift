import ArgumentParser
import Foundation
import KuraIndex

@main
struct Kura: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "kura",
        abstract: "Kura: a retrieval service for RAG on Kubernetes.",
        subcommands: [Collections.self, Ingest.self, Embed.self, Query.self, Context.self, Serve.self, Export.self, Compact.self, Verify.self, Bench.self])

    static func main() async {
        BLASStartup.ensureFastCore()
        do {
            var command = try parseAsRoot()
            if var async = command as? AsyncParsableCommand {
                try await async.run()
            } else {
                try command.run()
            }
        } catch {
            exit(withError: error)
        }
    }
}
