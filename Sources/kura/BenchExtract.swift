import ArgumentParser
import Foundation
import KuraIngest

struct BenchExtract: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "extract",
        abstract: "Time the document loaders on one thread: pages (or documents) a second from files already in memory, as kura ingest reads them.")

    @Argument(help: "Files (PDF, Word, PowerPoint, OpenDocument, EPUB, text).") var files: [String]
    @Option(help: "Times the files are extracted; the median and best runs are reported.") var runs: Int = 5
    @Option(help: "Write each file's extracted text here, as FILE.txt.") var output: String?
    @Flag(help: "Print one JSON object.") var json = false

    func validate() throws {
        guard runs > 0 else { throw ValidationError("--runs must be positive") }
        for f in files where !FileManager.default.fileExists(atPath: f) { throw ValidationError("\(f): no such file") }
    }

    func run() throws {
        let inputs = try files.map { ($0, try Data(contentsOf: URL(fileURLWithPath: $0))) }
        var seconds: [Double] = []
        var pages = 0
        var texts: [String] = []
        for _ in 0..<runs {
            let start = DispatchTime.now().uptimeNanoseconds
            let docs = try inputs.flatMap { try DocumentLoader.load($0.1, name: $0.0, id: $0.0) }
            seconds.append(Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9)
            pages = docs.reduce(0) { $0 + ($1.pages?.starts.count ?? 1) }
            texts = docs.map(\.text)
        }
        if let output {
            try FileManager.default.createDirectory(atPath: output, withIntermediateDirectories: true)
            for (file, text) in zip(files, texts) {
                try text.write(toFile: output + "/" + (file as NSString).lastPathComponent + ".txt", atomically: true, encoding: .utf8)
            }
        }
        let sorted = seconds.sorted()
        let median = sorted[sorted.count / 2], best = sorted[0]
        let summary: [String: Any] = [
            "engine": "kura", "files": files.count, "pages": pages, "runs": runs, "seconds_median": median, "seconds_best": best,
            "pages_per_s_median": Double(pages) / median, "pages_per_s_best": Double(pages) / best, "pages_per_s_worst": Double(pages) / sorted.last!,
        ]
        if json {
            emitLine(jsonLine(summary))
        } else {
            print(
                String(
                    format: "kura extract: %d file(s), %d pages; %.0f pages/s median (%.0f best), %d runs", files.count, pages, Double(pages) / median,
                    Double(pages) / best, runs))
        }
    }
}
