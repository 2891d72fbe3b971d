import Foundation
import KuraIngest

/// How `kura ingest` shows progress: a bar redrawn on a terminal, plain lines otherwise, JSON with --json.
final class IngestReporter {
    let json: Bool
    let terminal = isatty(STDERR_FILENO) != 0
    private var lastLine = 0.0

    init(json: Bool) { self.json = json }

    func handle(_ event: IngestPipeline.Event) {
        switch event {
        case .committed(let ids):
            if json { emitLine(jsonLine(["event": "committed", "ids": ids])) }
        case .failed(let path, let message):
            problem(["event": "failed", "path": path, "message": message], line: "error: \(message)")
        case .skipped(let path, let reason):
            problem(["event": "skipped", "path": path, "reason": reason], line: "skipped: \(path): \(reason)")
        case .progress(let p):
            guard !json else { return }
            if terminal {
                FileHandle.standardError.write(Data(("\r\u{1B}[K" + bar(p)).utf8))
            } else if p.seconds - lastLine >= 10 || p.filesDone == p.filesTotal {
                lastLine = p.seconds
                print(String(format: "%d/%d files, %d chunks, %.1f chunks/s", p.filesDone, p.filesTotal, p.chunks, p.chunksPerSecond))
                fflush(nil)
            }
        }
    }

    /// A file that failed or was skipped: a JSON event, or a line on stderr below the progress bar.
    private func problem(_ event: [String: Any], line: String) {
        if json {
            emitLine(jsonLine(event))
        } else {
            if terminal { FileHandle.standardError.write(Data("\r\u{1B}[K".utf8)) }
            FileHandle.standardError.write(Data((line + "\n").utf8))
        }
    }

    func bar(_ p: IngestPipeline.Progress) -> String {
        let width = 24
        let done = p.filesTotal > 0 ? width * p.filesDone / p.filesTotal : width
        let eta = p.eta.map { String(format: " ETA %dm%02ds", Int($0) / 60, Int($0) % 60) } ?? ""
        return "[" + String(repeating: "=", count: done) + String(repeating: " ", count: width - done) + "] "
            + String(format: "%d/%d files  %d chunks  %.1f chunks/s", p.filesDone, p.filesTotal, p.chunks, p.chunksPerSecond) + eta
    }

    /// The closing summary; `server` is set when the documents went to a running server (`--url`).
    func finish(_ s: IngestPipeline.Summary, collection: String, server: String? = nil) {
        let share = s.seconds > 0 ? s.embedSeconds / s.seconds : 0
        if json {
            emitLine(
                jsonLine([
                    "event": "done", "files": s.files, "failed_files": s.failedFiles, "skipped_files": s.skipped.count, "documents": s.documents,
                    "written": s.written,
                    "unchanged": s.unchanged, "other_shards": s.otherShards, "chunks": s.chunks, "tokens": s.tokens, "seconds": s.seconds,
                    "embed_seconds": s.embedSeconds,
                ]))
            return
        }
        if terminal { FileHandle.standardError.write(Data("\r\u{1B}[K".utf8)) }
        if let server {
            print(
                String(
                    format: "sent %d file(s) to %@ (collection %@): %d document(s) (%d written, %d unchanged) in %.1f s", s.files, server, collection,
                    s.documents, s.written, s.unchanged, s.seconds))
            if s.chunks > 0 {
                print(String(format: "embedded here: %d chunks, %d tokens (%.1f chunks/s)", s.chunks, s.tokens, Double(s.chunks) / max(s.seconds, 1e-9)))
            }
        } else {
            print(
                String(
                    format: "ingested %d file(s) into %@: %d document(s) (%d written, %d unchanged), %d chunks, %d tokens in %.1f s "
                        + "(%.1f chunks/s, %.0f tokens/s; embedding %.0f%% of the time)",
                    s.files, collection, s.documents, s.written, s.unchanged, s.chunks, s.tokens, s.seconds,
                    Double(s.chunks) / max(s.seconds, 1e-9), Double(s.tokens) / max(s.seconds, 1e-9), share * 100))
        }
        if s.otherShards > 0 { print("\(s.otherShards) document(s) left to the other shards") }
        if !s.skipped.isEmpty {
            print("\(s.skipped.count) file(s) skipped:")
            for f in s.skipped { print("  \(f.path): \(f.reason)") }
        }
        if s.failedFiles > 0 {
            print("\(s.failedFiles) file(s) failed:")
            for f in s.failures { print("  " + (f.message.hasPrefix(f.path) ? f.message : "\(f.path): \(f.message)")) }
        }
    }
}
