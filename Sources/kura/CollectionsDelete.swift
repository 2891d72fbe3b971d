import ArgumentParser
import Foundation
import KuraCore
import KuraIndex
import KuraStore
import KuraText

struct CollectionsDelete: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "delete", abstract: "Delete a collection and its files.")
    @OptionGroup var store: StoreOptions
    @Argument var name: String

    func run() throws {
        try store.open().deleteCollection(name)
        print("deleted collection \(name)")
    }
}
