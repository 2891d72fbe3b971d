import ArgumentParser
import Foundation
import KuraCore
import KuraIndex
import KuraStore
import KuraText

struct Collections: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Create, list, inspect and delete collections.",
        subcommands: [CollectionsCreate.self, CollectionsList.self, CollectionsStats.self, CollectionsDelete.self])
}
