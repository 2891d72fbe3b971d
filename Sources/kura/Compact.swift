import ArgumentParser
import KuraStore

struct Compact: ParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Seal pending vectors and merge a collection's segments, dropping deleted rows.")
    @OptionGroup var store: StoreOptions
    @Option(help: "Collection to compact.") var collection: String

    func run() throws {
        let c = try store.open().collection(collection)
        try c.compact()
        let s = try c.stats()
        print("compacted \(collection): \(s.vectors) vectors in \(s.segments) segment(s)")
    }
}
