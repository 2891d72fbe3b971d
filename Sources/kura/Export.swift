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

struct Verify: ParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Check every invariant of the store; exits non-zero with a list of problems.")
    @OptionGroup var store: StoreOptions
    @Option(help: "Only this collection.") var collection: String?

    func run() throws {
        let problems = try store.open(recover: false).verify(collection: collection)
        guard problems.isEmpty else {
            for p in problems { print(p) }
            throw ExitCode(1)
        }
        print("ok")
    }
}
