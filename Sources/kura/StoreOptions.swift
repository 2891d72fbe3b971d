import ArgumentParser
import Foundation
import KuraIndex
import KuraStore

/// `--data-dir DIR`, shared by every command that opens the store.
struct StoreOptions: ParsableArguments {
    @Option(name: .customLong("data-dir"), help: "Data directory (default: $KURA_DATA_DIR, else ./kura-data).")
    var dataDir: String?

    @Option(
        help:
            "f32 rows re-scored per result after an int8 walk (default $KURA_RESCORE, else 2); 0 never reads f32 rows, so only the int8 copy and graph need to stay in memory, at some recall."
    )
    var rescore: Int?

    var resolved: String { dataDir ?? ProcessInfo.processInfo.environment["KURA_DATA_DIR"] ?? "./kura-data" }

    func validate() throws {
        guard (rescore ?? 0) >= 0 else { throw ValidationError("--rescore must be 0 or more, got \(rescore!)") }
        if rescore == nil, let text = ProcessInfo.processInfo.environment["KURA_RESCORE"], (Int(text) ?? -1) < 0 {
            throw ValidationError("KURA_RESCORE must be 0 or more, got '\(text)'")
        }
    }

    func open(recover: Bool = true) throws -> Store {
        if let n = rescore ?? ProcessInfo.processInfo.environment["KURA_RESCORE"].flatMap({ Int($0) }) { Rescoring.perResult = n }
        return try Store(directory: resolved, recover: recover)
    }
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
