import ArgumentParser
import Foundation
import KuraBench
import KuraCore
import KuraIndex

struct BenchAnn: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "ann",
        abstract: "Build or load an HNSW index and measure recall@k, QPS and latency for each ef.")

    @Option(help: "Base vectors: .npy (float16/float32) or .fvecs.") var base: String?
    @Option(help: "Query vectors: .fvecs or .npy.") var queries: String
    @Option(help: "Ground truth: .ivecs of nearest base rows per query. Computed exactly when omitted.") var truth: String?
    @Option(
        name: .customLong("truth-offset"),
        help: "Add this to every ground-truth id: 1 for a segment written by a collection (kura bench store), whose chunk ids start at 1.")
    var truthOffset: Int = 0
    @Option(help: "cosine, ip or l2.") var metric: String = "cosine"
    @Option(help: "Links per node.") var m: Int = 16
    @Option(name: .customLong("ef-construction"), help: "Candidate list size while building.") var efConstruction: Int = 200
    @Option(help: "Comma-separated ef values to measure.") var ef: String = "10,16,24,32,48,64,96,128,192,256"
    @Option(help: "Neighbours per query.") var k: Int = 10
    @Option(help: "Threads for building and for queries.") var threads: Int = 1
    @Option(help: "Traversal encoding: f32, f16 or int8 (results are re-scored in f32).") var encoding: String = "int8"
    @Option(help: "Use only the first N base vectors.") var limit: Int?
    @Flag(help: "One JSON object per line.") var json = false
    @Flag(help: "Also time exact batched search (OpenBLAS sgemm) over all queries.") var exact = false
    @Option(help: "Write the built index to this segment file; while building, the f32 rows sit in a file beside it.")
    var save: String?
    @Option(help: "Load a segment file instead of building.") var load: String?
    @Option(help: "Write recall against QPS as SVG.") var plot: String?
    @Option(help: "f32 rows re-scored per result after a quantised walk (default 2; 0 for none).") var rescore: Int?
    @Option(
        name: .customLong("memory-limit"),
        help: "Search inside a memory cgroup of this size (8Gi, 512Mi, bytes), as a pod would; needs --load, or --save with --base.")
    var memoryLimit: String?

    func validate() throws {
        guard Metric(name: metric) != nil else { throw ValidationError("unknown metric '\(metric)'; use cosine, ip or l2") }
        guard VectorEncoding(rawValue: encoding) != nil else { throw ValidationError("unknown encoding '\(encoding)'; use f32, f16 or int8") }
        guard efList != nil else { throw ValidationError("--ef must be a comma-separated list of positive integers, got '\(ef)'") }
        guard base != nil || load != nil else { throw ValidationError("give --base FILE to build, or --load FILE") }
        guard base == nil || load == nil else { throw ValidationError("--base and --load exclude each other") }
        guard k > 0, threads > 0, m >= 2, efConstruction > 0 else { throw ValidationError("k, threads, m and ef-construction must be positive (m at least 2)") }
        guard truthOffset >= 0, truthOffset <= Int(Int32.max) else { throw ValidationError("--truth-offset must be between 0 and \(Int32.max)") }
        guard (rescore ?? 0) >= 0 else { throw ValidationError("--rescore must be 0 or more") }
        if let memoryLimit {
            guard MemoryCgroup.bytes(memoryLimit) != nil else {
                throw ValidationError("--memory-limit must be a size such as 8Gi, 512Mi or 4000000000, got '\(memoryLimit)'")
            }
            guard load != nil || save != nil else {
                throw ValidationError("--memory-limit measures a mapped segment: give --load FILE, or --save FILE with --base")
            }
        }
    }

    var efList: [Int]? {
        let values = ef.split(separator: ",").map { Int($0.trimmingCharacters(in: .whitespaces)) }
        guard !values.isEmpty, values.allSatisfy({ ($0 ?? 0) > 0 }) else { return nil }
        return values.map { $0! }
    }

    func run() throws {
        var config = AnnBenchmark.Config(queries: queries)
        config.base = base
        config.truth = truth
        config.truthOffset = truthOffset
        config.metric = Metric(name: metric)!
        config.parameters = HNSWParameters(m: m, efConstruction: efConstruction, encoding: VectorEncoding(rawValue: encoding)!)
        config.efs = efList!
        config.k = k
        config.threads = threads
        config.save = save
        config.load = load
        config.limit = limit
        config.exact = exact
        config.memoryLimit = memoryLimit.flatMap(MemoryCgroup.bytes)
        BLASRuntime.setThreads(threads)
        if let rescore { Rescoring.perResult = rescore }
        let bench = try AnnBenchmark(config: config)
        let points = try bench.run(
            onBuild: { b in
                print(
                    json
                        ? b.json
                        : "\(b.loaded ? "loaded" : "built") \(b.rows) rows in \(String(format: "%.2f", b.seconds)) s on \(b.threads) thread(s), \(b.indexBytes / 1_048_576) MiB, kernels \(Kernels.activeName), BLAS core \(BLASRuntime.coreName)"
                )
            },
            onPoint: { p in
                print(
                    json ? p.json : String(format: "ef %4d  recall@%d %.4f  %9.0f QPS  p50 %7.1f us  p99 %7.1f us", p.ef, k, p.recall, p.qps, p.p50us, p.p99us))
            },
            onExact: { e in
                print(json ? e.json : String(format: "exact search: %.0f QPS (%d queries in %.3f s, batched)", e.qps, e.queries, e.seconds))
            },
            onMemory: { m in print(json ? m.json : m.summary) })
        if let plot {
            let svg = RecallPlot.svg([.init(name: "kura", points: points.map { ($0.recall, $0.qps) })], title: "recall@\(k) vs QPS")
            try svg.write(toFile: plot, atomically: true, encoding: .utf8)
        }
    }
}
