import ArgumentParser
import Foundation
import KuraStore

/// `--data-dir DIR`, shared by every command that opens the store.
struct StoreOptions: ParsableArguments {
    @Option(name: .customLong("data-dir"), help: "Data directory (default: $KURA_DATA_DIR, else ./kura-data).")
    var dataDir: String?

    var resolved: String { dataDir ?? ProcessInfo.processInfo.environment["KURA_DATA_DIR"] ?? "./kura-data" }

    func open(recover: Bool = true) throws -> Store { try Store(directory: resolved, recover: recover) }
}

/// Writes one line to stdout and flushes, so a reader sees it even if this process is killed next.
func emitLine(_ line: String) {
    print(line)
    fflush(nil)  // all output streams; `stdout` itself is not concurrency-safe to name in Swift 6
}

func jsonLine(_ object: Any) -> String {
    let data = (try? JSONSerialization.data(withJSONObject: object, options: [.sortedKeys, .withoutEscapingSlashes])) ?? Data("{}".utf8)
    return String(decoding: data, as: UTF8.self)
}
