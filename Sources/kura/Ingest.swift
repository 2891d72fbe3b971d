import ArgumentParser
import Foundation
import KuraCore
import KuraStore

struct Ingest: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Load documents into a collection: pre-embedded JSONL records with --vectors.",
        discussion: "Each line is {\"id\", \"text\", \"metadata\", \"vector\"}. Every batch is one transaction; with --json a line "
            + "{\"event\":\"committed\",\"ids\":[...]} is printed once it is on disk.")
    @OptionGroup var store: StoreOptions
    @Argument(help: "A .jsonl file.") var file: String
    @Option(help: "Target collection.") var collection: String
    @Flag(help: "Records carry their own vectors.") var vectors = false
    @Option(help: "Records per transaction.") var batch: Int = 256
    @Flag(help: "Print one JSON line per committed batch.") var json = false

    func validate() throws {
        guard vectors else {
            throw ValidationError("embedding raw text is not available yet; give pre-embedded records with --vectors")
        }
        guard batch > 0 else { throw ValidationError("--batch must be positive") }
    }

    func run() throws {
        let target = try store.open().collection(collection)
        var pending: [Record] = []
        var written = 0, unchanged = 0
        func commit() throws {
            guard !pending.isEmpty else { return }
            let r = try target.upsert(pending, wait: false)
            written += r.written.count
            unchanged += r.unchanged.count
            if json { emitLine(jsonLine(["event": "committed", "ids": r.written + r.unchanged])) }
            pending.removeAll(keepingCapacity: true)
        }
        try JSONLines.forEach(file) { number, line in
            do {
                pending.append(try Record(jsonLine: line))
            } catch {
                throw KuraError.invalidArgument("\(file):\(number): \(error)")
            }
            if pending.count == batch { try commit() }
        }
        try commit()
        try target.flush()
        if json {
            emitLine(jsonLine(["event": "done", "written": written, "unchanged": unchanged]))
        } else {
            print("ingested \(written) record(s) into \(collection), \(unchanged) unchanged")
        }
    }
}

/// Reads a file line by line without loading it whole.
enum JSONLines {
    static func forEach(_ path: String, _ body: (Int, Substring) throws -> Void) throws {
        guard let f = fopen(path, "r") else { throw KuraError.io(path: path, reason: String(cString: strerror(errno))) }
        defer { fclose(f) }
        var line: UnsafeMutablePointer<CChar>? = nil
        var cap = 0
        defer { free(line) }
        var number = 0
        while true {
            let n = getline(&line, &cap, f)
            if n < 0 { break }
            number += 1
            let text = String(decoding: UnsafeRawBufferPointer(start: line, count: n), as: UTF8.self)
            let trimmed = text.trimmingCharacters(in: .whitespacesAndNewlines)
            if trimmed.isEmpty { continue }
            try body(number, Substring(trimmed))
        }
    }
}
