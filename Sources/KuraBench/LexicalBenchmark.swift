import Dispatch
import Foundation
import KuraCore
import KuraText

/// Kura's lexical engine on its own: analyse passages, build one sealed postings section (as compaction
/// leaves a collection), then run every query's text one at a time for its BM25 top k. Reports the
/// build time, QPS and latency percentiles over the runs, and each query's top-k ids (for comparing with
/// peers on the same passages).
public struct LexicalBenchmark {
    /// What to measure.
    public struct Config {
        /// Passages (JSONL, or JSONL.gz, with `id` and `text`).
        public var passages: String
        /// Queries (JSONL with `text`).
        public var queries: String
        /// The analyzer for passages and queries.
        public var analyzer: AnalyzerName = .standard
        /// Hits per query.
        public var k = 10
        /// Timed passes over the queries.
        public var runs = 3
        /// Passages used at most.
        public var limit: Int?
        /// Query terms kept (the rarest); `Int.max` for all.
        public var maxTerms = LexicalSearch.maxTerms

        /// A configuration with the defaults above.
        public init(passages: String, queries: String) {
            self.passages = passages
            self.queries = queries
        }
    }

    /// What a run measured.
    public struct Result {
        /// Passages indexed.
        public var documents = 0
        /// Distinct terms.
        public var terms = 0
        /// The postings section's bytes.
        public var sectionBytes = 0
        /// Seconds to analyse the passages into the in-memory index.
        public var analyzeSeconds = 0.0
        /// Seconds to write the postings section.
        public var writeSeconds = 0.0
        /// QPS of each run, and the latencies (µs) of the median run.
        public var qps: [Double] = []
        /// Median query latency of the median run, microseconds.
        public var p50us = 0.0
        /// 99th-percentile query latency of the median run, microseconds.
        public var p99us = 0.0
        /// Each query's top-k passage ids, best first.
        public var top: [[String]] = []
    }

    let config: Config

    /// A benchmark of `config`.
    public init(config: Config) { self.config = config }

    /// Builds the section and runs the queries.
    /// - Throws: what reading the passages or queries throws, or writing or opening the section.
    public func run() throws -> Result {
        var passages = try QualityBenchmark.readJSONL(config.passages)
        if let limit = config.limit { passages = Array(passages.prefix(limit)) }
        let ids = passages.map { ($0["id"] as? String) ?? "" }
        let texts = passages.map { ($0["text"] as? String) ?? "" }
        let queries = try QualityBenchmark.readJSONL(config.queries).map { ($0["text"] as? String) ?? "" }
        let analyzer = try config.analyzer.make()
        var result = Result()
        var t = DispatchTime.now()
        var index = InvertedIndex()
        for (i, text) in texts.enumerated() { index.add(analyzer.terms(text), document: Int64(i)) }
        result.analyzeSeconds = Self.seconds(since: t)
        t = DispatchTime.now()
        let bytes = try PostingsWriter.write(index)
        result.writeSeconds = Self.seconds(since: t)
        (result.documents, result.terms, result.sectionBytes) = (index.rows, index.terms.count, bytes.count)
        try bytes.withUnsafeBytes { raw in
            let part = LexicalPart(section: try PostingsSection(raw)) { Int64($0) }
            var runs: [(qps: Double, latencies: [Double])] = []
            for _ in 0..<max(1, config.runs) {
                var latencies: [Double] = []
                latencies.reserveCapacity(queries.count)
                var top: [[String]] = []
                let start = DispatchTime.now()
                for q in queries {
                    let s = DispatchTime.now().uptimeNanoseconds
                    let hits = LexicalSearch.search(analyzer.terms(q), in: [part], k: config.k, maxTerms: config.maxTerms)
                    latencies.append(Double(DispatchTime.now().uptimeNanoseconds - s) / 1000)
                    top.append(hits.map { ids[Int($0.id)] })
                }
                runs.append((Double(queries.count) / Self.seconds(since: start), latencies.sorted()))
                result.top = top
            }
            result.qps = runs.map(\.qps)
            let median = runs.sorted { $0.qps < $1.qps }[runs.count / 2].latencies
            result.p50us = median[median.count / 2]
            result.p99us = median[min(median.count - 1, median.count * 99 / 100)]
        }
        return result
    }

    static func seconds(since t: DispatchTime) -> Double { Double(DispatchTime.now().uptimeNanoseconds - t.uptimeNanoseconds) / 1e9 }
}
