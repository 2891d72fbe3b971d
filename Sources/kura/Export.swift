import ArgumentParser
import KuraStore

struct Export: ParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Write every live document of a collection to stdout as JSONL (id, text, metadata).")
    @OptionGroup var store: StoreOptions
    @Option(help: "Collection to export.") var collection: String

    func run() throws {
        var out = LineWriter()
        try store.open().collection(collection).export { try out.write(try $0.exportLine()) }
        try out.flush()
    }
}
