import ArgumentParser
import Foundation
import KuraCore
import KuraIndex
import KuraStore
import KuraText

struct CollectionsList: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "list", abstract: "List collections.")
    @OptionGroup var store: StoreOptions
    @Flag(help: "One JSON array.") var json = false

    func run() throws {
        let all = try store.open().listCollections()
        if json {
            print(
                jsonLine(
                    all.map { ["name": $0.name, "dimension": $0.dimension, "metric": $0.metric.rawValue, "analyzer": $0.analyzer.rawValue] as [String: Any] }))
        } else {
            for c in all { print("\(c.name)\t\(c.dimension)\t\(c.metric.rawValue)\t\(c.analyzer.rawValue)") }
        }
    }
}
