import ArgumentParser
import KuraStore

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
