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

    /// `--rescore`, else `$KURA_RESCORE` (nil when neither is given; -1 when the variable is not a number).
    private var rescoreSetting: Int? { rescore ?? ProcessInfo.processInfo.environment["KURA_RESCORE"].map { Int($0) ?? -1 } }

    func validate() throws {
        guard (rescoreSetting ?? 0) >= 0 else {
            throw ValidationError(
                rescore != nil
                    ? "--rescore must be 0 or more, got \(rescore!)"
                    : "KURA_RESCORE must be 0 or more, got '\(ProcessInfo.processInfo.environment["KURA_RESCORE"] ?? "")'")
        }
    }

    func open(recover: Bool = true) throws -> Store {
        if let n = rescoreSetting { Rescoring.perResult = n }
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
