import ArgumentParser
import Foundation
import KuraCore
import KuraIndex
import KuraStore
import KuraText

struct CollectionsStats: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "stats", abstract: "Documents, chunks, vectors, segments and bytes of a collection.")
    @OptionGroup var store: StoreOptions
    @Argument var name: String
    @Flag(help: "One JSON object.") var json = false

    func run() throws {
        let s = try store.open().collection(name).stats()
        if json {
            let encoder = JSONEncoder()
            encoder.keyEncodingStrategy = .convertToSnakeCase
            encoder.outputFormatting = .sortedKeys
            let data = try encoder.encode(s)
            print(String(decoding: data, as: UTF8.self))
        } else {
            print(
                "documents \(s.documents)\nchunks \(s.chunks)\nvectors \(s.vectors) (\(s.pendingVectors) pending)\nsegments \(s.segments)\ntombstones \(s.tombstones)\nbytes \(s.bytes)"
            )
        }
    }
}
