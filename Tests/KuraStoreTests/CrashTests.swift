import Foundation
import KuraTesting
import Testing

/// kill -9 at random moments during `kura ingest` (and sometimes `kura compact`), then reopen: every
/// acknowledged id must still be exported and `kura verify` must be clean. `KURA_CRASH_ROUNDS` sets the
/// number of rounds (20 here; `Benchmarks/crash/run.sh N` runs longer).
@Suite(.serialized)
struct CrashTests {
    static var kura: String? { KuraBinary.path }

    struct Run {
        var status: Int32
        var output: String
    }

    /// Runs `kura args`; with `killAfter`, sends SIGKILL after that many seconds. With `stderr`, its
    /// standard error is kept too.
    static func run(_ args: [String], killAfter: Double? = nil, stderr: Bool = false) throws -> Run {
        let p = Process()
        p.executableURL = URL(fileURLWithPath: kura!)
        p.arguments = args
        let out = Pipe()
        p.standardOutput = out
        p.standardError = stderr ? out : FileHandle.nullDevice
        try p.run()
        if let killAfter {
            Thread.sleep(forTimeInterval: killAfter)
            kill(p.processIdentifier, SIGKILL)
        }
        let data = out.fileHandleForReading.readDataToEndOfFile()
        p.waitUntilExit()
        return Run(status: p.terminationStatus, output: String(decoding: data, as: UTF8.self))
    }

    static func writeRecords(_ path: String, round: Int, count: Int, dimension: Int) throws {
        let flat = SeededRandom.vectors(count, dimension, seed: UInt64(1000 + round))
        var text = ""
        for i in 0..<count {
            let v = flat[(i * dimension)..<((i + 1) * dimension)].map { String($0) }.joined(separator: ",")
            text += "{\"id\":\"r\(round)-\(i)\",\"text\":\"round \(round) record \(i)\",\"metadata\":{\"round\":\(round)},\"vector\":[\(v)]}\n"
        }
        try text.write(toFile: path, atomically: true, encoding: .utf8)
    }

    /// Lines are parsed on a thread ahead of the commits; a bad line must still stop the load right after
    /// the whole batches before it, with the line's number, and nothing after it may be written.
    @Test func aBadLineStopsTheLoadAfterTheBatchesBeforeIt() throws {
        guard Self.kura != nil else {
            Issue.record("the kura executable was not built beside the tests")
            return
        }
        let dir = StoreFixtures.tempDir("badline")
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let data = ["--data-dir", dir + "/data"]
        let file = dir + "/records.jsonl"
        try Self.writeRecords(file, round: 0, count: 150, dimension: 8)
        var lines = try String(contentsOfFile: file, encoding: .utf8).split(separator: "\n").map(String.init)
        lines.insert(#"{"id":"bad","text":"t","vector":[1,"x"]}"#, at: 120)
        try (lines.joined(separator: "\n") + "\n").write(toFile: file, atomically: true, encoding: .utf8)
        #expect(try Self.run(["collections", "create", "c", "--dimension", "8"] + data).status == 0)
        let ingest = try Self.run(["ingest", file, "--collection", "c", "--vectors", "--json", "--batch", "50"] + data, stderr: true)
        #expect(ingest.status != 0)
        #expect(ingest.output.contains("records.jsonl:121:") && ingest.output.contains("vector"), "\(ingest.output)")
        #expect(ingest.output.components(separatedBy: "\"committed\"").count - 1 == 2, "\(ingest.output)")
        let exported = try Self.run(["export", "--collection", "c"] + data).output.split(separator: "\n")
        #expect(exported.count == 100)
    }

    @Test func killedWritersLoseNoAcknowledgedRecord() throws {
        guard Self.kura != nil else {
            Issue.record("the kura executable was not built beside the tests")
            return
        }
        let rounds = Int(ProcessInfo.processInfo.environment["KURA_CRASH_ROUNDS"] ?? "") ?? 20
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("kura-crash-\(UInt32.random(in: 0...UInt32.max))").path
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let data = ["--data-dir", dir]
        #expect(try Self.run(["collections", "create", "c", "--dimension", "16", "--seal-threshold", "300"] + data).status == 0)
        var rng = SeededRandom(seed: 77)
        var acknowledged = Set<String>()
        var killedMidway = 0
        for round in 0..<rounds {
            let file = "\(dir)/round\(round).jsonl"
            try Self.writeRecords(file, round: round, count: 1500, dimension: 16)
            let delay = Double(rng.int(5...400)) / 1000
            let ingest = try Self.run(["ingest", file, "--collection", "c", "--vectors", "--json", "--batch", "50"] + data, killAfter: delay)
            if ingest.status != 0 { killedMidway += 1 }
            for line in ingest.output.split(separator: "\n") {
                guard let obj = try? JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any],
                    obj["event"] as? String == "committed", let ids = obj["ids"] as? [String]
                else { continue }
                acknowledged.formUnion(ids)
            }
            if round % 5 == 4 {
                _ = try Self.run(["compact", "--collection", "c"] + data, killAfter: Double(rng.int(1...200)) / 1000)
            }
            let export = try Self.run(["export", "--collection", "c"] + data)
            #expect(export.status == 0, "round \(round): export failed")
            var exported = Set<String>()
            for line in export.output.split(separator: "\n") {
                if let obj = try? JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any], let id = obj["id"] as? String {
                    exported.insert(id)
                }
            }
            let lost = acknowledged.subtracting(exported)
            #expect(lost.isEmpty, "round \(round): \(lost.count) acknowledged records lost, e.g. \(lost.prefix(3))")
            let verify = try Self.run(["verify"] + data)
            #expect(verify.status == 0, "round \(round): verify found \(verify.output)")
        }
        #expect(killedMidway > 0, "no ingest was interrupted; the delays are too long to test anything")
        #expect(!acknowledged.isEmpty)
    }
}
