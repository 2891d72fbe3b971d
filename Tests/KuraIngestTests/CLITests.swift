import Foundation
import KuraTesting
import Testing

/// `kura embed` and `kura ingest` as scripts run them: output formats, exit status and messages.
@Suite struct CLITests {
    static func run(_ args: [String], stdin: String = "") throws -> KuraBinary.Output { try KuraBinary.run(args, stdin: stdin) }

    @Test func rescoreDepthIsCheckedOnStoreCommands() throws {
        for args in [["query", "--rescore=-1", "--collection", "c", "q"], ["collections", "list", "--rescore=-3"]] {
            let r = try Self.run(args)
            #expect(r.status != 0 && r.err.contains("--rescore must be 0 or more"), "\(args): \(r.err)")
        }
    }

    @Test func embedWritesOneLinePerInputInOrder() throws {
        let r = try Self.run(["embed", "--embedder", "hash"], stdin: "{\"id\":\"b\",\"text\":\"two\"}\n{\"id\":7,\"text\":\"one\"}\n")
        #expect(r.status == 0)
        let lines = r.out.split(separator: "\n").map { try? JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any] }
        #expect(lines.count == 2)
        #expect(lines[0]?["id"] as? String == "b" && lines[1]?["id"] as? Int == 7)
        #expect((lines[0]?["embedding"] as? [Double])?.count == 384)
        let bad = try Self.run(["embed", "--embedder", "hash"], stdin: "{\"id\":1}\n")
        #expect(bad.status != 0 && bad.err.contains("stdin:1"))
    }

    @Test func ingestReportsBadFilesAndExitsNonZero() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("kura-cli-\(UUID().uuidString)").path
        defer { try? FileManager.default.removeItem(atPath: dir) }
        try FileManager.default.createDirectory(atPath: dir + "/docs", withIntermediateDirectories: true)
        try "Pods run containers.".write(toFile: dir + "/docs/a.txt", atomically: true, encoding: .utf8)
        try Data([0x41, 0xFF]).write(to: URL(fileURLWithPath: dir + "/docs/b.txt"))
        let args = ["ingest", dir + "/docs", "--collection", "c", "--embedder", "hash", "--data-dir", dir + "/data", "--json"]
        let r = try Self.run(args)
        #expect(r.status == 1)
        let events = r.out.split(separator: "\n").compactMap { try? JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any] }
        #expect(events.contains { $0["event"] as? String == "committed" && ($0["ids"] as? [String]) == ["a.txt"] })
        #expect(events.contains { $0["event"] as? String == "failed" && ($0["message"] as? String ?? "").contains("UTF-8") })
        #expect(events.last?["event"] as? String == "done" && events.last?["written"] as? Int == 1)

        let again = try Self.run(args)
        #expect((again.out.split(separator: "\n").last.map(String.init) ?? "").contains("\"unchanged\":1"))

        for (flags, message) in [(["--shard", "2/2"], "--shard"), (["--shard", "x"], "I/N"), (["--embed-locally"], "--url")] {
            let refused = try Self.run(["ingest", dir + "/docs", "--collection", "c", "--embedder", "hash", "--data-dir", dir + "/data"] + flags)
            #expect(refused.status != 0 && refused.err.contains(message), "\(flags): \(refused.err)")
        }
        let unknown = try Self.run(["ingest", dir + "/docs", "--collection", "c", "--embedder", "bogus"])
        #expect(unknown.status != 0 && unknown.err.contains("unknown embedder"))
        let other = try Self.run(["ingest", dir + "/docs", "--collection", "c", "--embedder", "hash", "--embed-dimension", "8", "--data-dir", dir + "/data"])
        #expect(other.status != 0 && other.err.contains("hash:384"))
    }

    /// A spreadsheet beside a markdown file: the summary names it with its reason (such files were dropped
    /// in silence before), `--json` has a `skipped` event, and `--strict` turns it into exit 1. A damaged PDF
    /// is read and fails alone, with its reason.
    @Test func ingestListsWhatItSkips() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("kura-cli-\(UUID().uuidString)").path
        defer { try? FileManager.default.removeItem(atPath: dir) }
        try FileManager.default.createDirectory(atPath: dir + "/docs", withIntermediateDirectories: true)
        try "# Notes\n\nPods run containers.".write(toFile: dir + "/docs/notes.md", atomically: true, encoding: .utf8)
        try Data("PK\u{3}\u{4}".utf8).write(to: URL(fileURLWithPath: dir + "/docs/sheet.xlsx"))
        let base = ["ingest", dir + "/docs", "--collection", "c", "--embedder", "hash", "--data-dir", dir + "/data"]
        let plain = try Self.run(base)
        #expect(
            plain.status == 0 && plain.out.contains("1 file(s) skipped:") && plain.out.contains("sheet.xlsx: unsupported format: Excel"), "\(plain.out)")
        let json = try Self.run(base + ["--json"])
        let events = json.out.split(separator: "\n").compactMap { try? JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any] }
        #expect(events.contains { $0["event"] as? String == "skipped" && ($0["path"] as? String ?? "").hasSuffix("sheet.xlsx") && $0["reason"] is String })
        #expect(events.last?["skipped_files"] as? Int == 1)
        let strict = try Self.run(base + ["--strict"])
        #expect(strict.status == 1 && strict.out.contains("sheet.xlsx"))
        #expect(try Self.run(base + ["--strict", "--glob", "*.md"]).status == 0, "--glob still narrows the walk")
        try Data("%PDF-1.4\n%\u{E2}\u{E3}".utf8).write(to: URL(fileURLWithPath: dir + "/docs/ls.pdf"))
        let damaged = try Self.run(base)
        #expect(damaged.status == 1 && damaged.out.contains("1 file(s) failed:\n  \(dir)/docs/ls.pdf: damaged PDF (Poppler cannot parse it)"), "\(damaged.out)")
    }

    /// `kura export` is a backup: a full disk or a reader that went away is a one-line error and a
    /// non-zero exit, never a short file and exit 0 (print() dropped both silently).
    @Test func exportFailsLoudlyWhenItsOutputFails() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("kura-export-\(UUID().uuidString)").path
        defer { try? FileManager.default.removeItem(atPath: dir) }
        try FileManager.default.createDirectory(atPath: dir + "/docs", withIntermediateDirectories: true)
        for i in 0..<20 { try "Document \(i) about pods and nodes.".write(toFile: dir + "/docs/\(i).txt", atomically: true, encoding: .utf8) }
        #expect(try Self.run(["ingest", dir + "/docs", "--collection", "c", "--embedder", "hash", "--data-dir", dir + "/data"]).status == 0)
        let ok = try Self.run(["export", "--collection", "c", "--data-dir", dir + "/data"])
        #expect(ok.status == 0 && ok.out.split(separator: "\n").count == 20)

        func export(to output: FileHandle, closing: FileHandle? = nil) throws -> (Process, String) {
            let p = Process()
            p.executableURL = URL(fileURLWithPath: try #require(KuraBinary.path))
            p.arguments = ["export", "--collection", "c", "--data-dir", dir + "/data"]
            let err = Pipe()
            p.standardOutput = output
            p.standardError = err
            try closing?.close()
            try p.run()
            let e = err.fileHandleForReading.readDataToEndOfFile()
            p.waitUntilExit()
            return (p, String(decoding: e, as: UTF8.self))
        }
        let full = try #require(FileHandle(forWritingAtPath: "/dev/full"))
        let (p1, e1) = try export(to: full)
        #expect(p1.terminationReason == .exit && p1.terminationStatus != 0, "exit \(p1.terminationStatus)")
        #expect(e1.contains("standard output") && e1.split(separator: "\n").count == 1, "\(e1)")
        let pipe = Pipe()
        let (p2, e2) = try export(to: pipe.fileHandleForWriting, closing: pipe.fileHandleForReading)
        #expect(p2.terminationReason == .exit && p2.terminationStatus != 0, "\(p2.terminationReason) \(p2.terminationStatus)")
        #expect(e2.contains("standard output"), "\(e2)")
    }
}
