import ArgumentParser
import Foundation
import KuraBench
import KuraText

struct BenchLexical: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "lexical", abstract: "Time Kura's lexical engine: BM25 top-k of each query's text over passages in one sealed postings section.")

    @Option(help: "JSONL or JSONL.gz of {\"id\",\"text\"}, one passage a line.") var passages: String
    @Option(help: "JSONL of {\"text\"}, one query a line.") var queries: String
    @Option(help: "Analyzer: standard, standard-nostem, ja, cjk or auto.") var analyzer: String = "standard"
    @Option var k: Int = 10
    @Option(help: "Times the query set is run.") var runs: Int = 3
    @Option(help: "Only the first N passages.") var limit: Int?
    @Option(name: .customLong("max-terms"), help: "Query terms kept, the rarest (0: all, as the peers do).") var maxTerms: Int = 16
    @Option(help: "Write each query's top-k passage ids here, one JSON array a line.") var top: String?
    @Flag(help: "Print one JSON object.") var json = false

    func validate() throws {
        guard AnalyzerName(name: analyzer) != nil else {
            throw ValidationError("--analyzer must be one of \(AnalyzerName.allCases.map(\.rawValue).joined(separator: ", "))")
        }
        guard k > 0, runs > 0, maxTerms >= 0 else { throw ValidationError("--k and --runs must be positive, --max-terms at least 0") }
    }

    func run() throws {
        var config = LexicalBenchmark.Config(passages: passages, queries: queries)
        config.analyzer = AnalyzerName(name: analyzer)!
        (config.k, config.runs, config.limit) = (k, runs, limit)
        config.maxTerms = maxTerms == 0 ? .max : maxTerms
        let r = try LexicalBenchmark(config: config).run()
        if let top {
            let lines = r.top.map { jsonLine($0) }.joined(separator: "\n") + "\n"
            try lines.write(toFile: top, atomically: true, encoding: .utf8)
        }
        let sorted = r.qps.sorted()
        let summary: [String: Any] = [
            "engine": maxTerms == 0 ? "kura, all query terms" : "kura, \(maxTerms) rarest query terms", "analyzer": analyzer, "documents": r.documents,
            "terms": r.terms, "section_bytes": r.sectionBytes,
            "analyze_s": r.analyzeSeconds, "write_s": r.writeSeconds, "k": k, "runs": runs, "qps_median": sorted[sorted.count / 2],
            "qps_best": sorted.last!, "qps_min": sorted.first!, "p50_us": r.p50us, "p99_us": r.p99us,
        ]
        if json {
            emitLine(jsonLine(summary))
        } else {
            print(
                String(
                    format: "kura lexical (%@): %d passages, %d terms, analysed in %.1f s; %.0f QPS median (%.0f-%.0f), p50 %.0f µs, p99 %.0f µs",
                    analyzer, r.documents, r.terms, r.analyzeSeconds, sorted[sorted.count / 2], sorted.first!, sorted.last!, r.p50us, r.p99us))
        }
    }
}
