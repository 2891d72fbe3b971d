import ArgumentParser
import Foundation
import KuraCore
import KuraEmbed
import KuraIngest
import KuraStore
import KuraText

/// `kura ingest --vectors`: pre-embedded JSONL records, one transaction per `batch`.
struct VectorIngest {
    let target: DocumentCollection
    let batch: Int
    let json: Bool
    var shard = Shard.all

    func run(_ file: String) throws {
        var written = 0, unchanged = 0
        // Lines are parsed a batch or two ahead on a thread of their own: reading the floats costs about as
        // much as writing them, and the two overlap. A bad line stops the load after the batches before it.
        let pipe = BatchPipe<[Record]>(capacity: 2)
        let size = batch, part = shard
        Thread { Self.parse(file, batch: size, shard: part, into: pipe) }.start()
        defer { pipe.close() }
        while let records = try pipe.pop() {
            let r = try target.upsert(records, wait: false)
            written += r.written.count
            unchanged += r.unchanged.count
            if json { emitLine(jsonLine(["event": "committed", "ids": r.written + r.unchanged])) }
        }
        try target.flush()
        if json {
            emitLine(jsonLine(["event": "done", "written": written, "unchanged": unchanged]))
        } else {
            print("ingested \(written) record(s) into \(target.info.name), \(unchanged) unchanged")
        }
    }
}

extension VectorIngest {
    /// Parses `file` into batches of `batch` records, in order, ending `pipe` with the first error.
    static func parse(_ file: String, batch: Int, shard: Shard, into pipe: BatchPipe<[Record]>) {
        var pending: [Record] = []
        do {
            try JSONLines.forEach(file) { number, line in
                do {
                    let record = try Record(jsonLine: line)
                    if shard.owns(record.id) { pending.append(record) }
                } catch {
                    throw KuraError.invalidArgument("\(file):\(number): \(error)")
                }
                if pending.count == batch {
                    guard pipe.push(pending) else { throw CancellationError() }
                    pending.removeAll(keepingCapacity: true)
                }
            }
            if !pending.isEmpty { _ = pipe.push(pending) }
            pipe.finish(nil)
        } catch {
            pipe.finish(error)
        }
    }
}
