import Dispatch
import Foundation
import KuraCore
import KuraIndex

/// `kura bench ann`: builds (or loads) an index over a base file, then measures recall@k, QPS and
/// per-query latency for each ef, one query at a time.
public struct AnnBenchmark: Sendable {
    /// What to measure; `init` checks it.
    public struct Config: Sendable {
        /// Base vectors to build from (`.fvecs` or `.npy`); nil with `load`.
        public var base: String?
        /// Query vectors (`.fvecs` or `.npy`).
        public var queries: String
        /// Exact neighbours of each query (`.ivecs`); without it they are computed by exact search.
        public var truth: String?
        /// Added to every id read from `truth`: a segment written by a collection numbers its chunks from 1
        /// (row i is chunk i + 1 in a fresh store), where `.ivecs` ground truth numbers base rows from 0.
        public var truthOffset = 0
        /// The distance the index is built for.
        public var metric: Metric = .cosine
        /// The graph's parameters for a build.
        public var parameters = HNSWParameters()
        /// Search breadths measured, one point each.
        public var efs: [Int] = [10, 16, 24, 32, 48, 64, 96, 128, 192, 256]
        /// Neighbours asked per query (recall@k).
        public var k = 10
        /// Threads for the build and for the queries (each query one at a time on its thread).
        public var threads = 1
        /// Where to write the built index as a segment file.
        public var save: String?
        /// A segment file to search instead of building.
        public var load: String?
        /// Base rows used at most.
        public var limit: Int?
        /// Whether to also time exact (brute-force) search over every query.
        public var exact = false
        /// Base rows converted and inserted at a time while building.
        public var buildBlock = 250_000
        /// Runs the search phase in a memory cgroup of this many bytes, on the segment file (`load`, or
        /// `save` after building), its pages evicted first so that every page the searches touch counts.
        public var memoryLimit: Int?

        /// A configuration with the defaults above and `queries`.
        public init(queries: String) { self.queries = queries }
    }

    /// How the index came to be: its build, or its load from a segment.
    public struct Build: Sendable {
        /// Wall-clock seconds.
        public var seconds: Double
        /// Threads used.
        public var threads: Int
        /// The index's bytes (in memory after a build, the file after a load).
        public var indexBytes: Int
        /// Vectors indexed.
        public var rows: Int
        /// True when loaded from a segment file.
        public var loaded: Bool
    }

    /// One search breadth's results.
    public struct Point: Sendable {
        /// The search breadth.
        public var ef: Int
        /// Mean recall@k against the ground truth.
        public var recall: Double
        /// Queries per second over all threads, each query searched alone.
        public var qps: Double
        /// Median query latency, microseconds.
        public var p50us: Double
        /// 99th-percentile query latency, microseconds.
        public var p99us: Double
    }

    /// Memory at the end of the search phase: the process's resident pages and, under a limit, its cgroup's.
    public struct Memory: Sendable {
        /// The process's resident pages.
        public var process: ProcessMemory
        /// The memory limit searched under, if any.
        public var limitBytes: Int?
        /// The cgroup hierarchy the limit was set in.
        public var cgroup: MemoryCgroup.Version?
        /// The cgroup's peak charge, bytes.
        public var cgroupPeak: Int?
        /// The cgroup's anonymous bytes at the end.
        public var cgroupAnonymous: Int?
        /// The cgroup's page-cache bytes at the end.
        public var cgroupFile: Int?
    }

    /// Exact batched search over all queries.
    public struct Exact: Sendable {
        /// Wall-clock seconds for every query.
        public var seconds: Double
        /// Queries searched.
        public var queries: Int
        /// Queries per second.
        public var qps: Double { Double(queries) / seconds }
    }

    /// The configuration, checked.
    public let config: Config

    /// Checks `config`.
    /// - Throws: `KuraError.invalidArgument` without a base or a segment to load, with a k, thread count or ef
    /// that is not positive, or with a memory limit and no segment file to map.
    public init(config: Config) throws {
        guard config.base != nil || config.load != nil else { throw KuraError.invalidArgument("give --base FILE or --load FILE") }
        guard config.k > 0, config.threads > 0, !config.efs.isEmpty, config.efs.allSatisfy({ $0 > 0 }) else {
            throw KuraError.invalidArgument("k, threads and every ef must be positive")
        }
        if config.memoryLimit != nil && config.load == nil && config.save == nil {
            throw KuraError.invalidArgument("a memory limit measures a mapped segment: give --load FILE, or --save FILE with --base")
        }
        self.config = config
    }

    /// Runs the benchmark, reporting the build (or load), each ef point as they finish, and memory at the end.
    public func run(
        onBuild: (Build) -> Void, onPoint: (Point) -> Void, onExact: (Exact) -> Void = { _ in }, onMemory: (Memory) -> Void = { _ in }
    ) throws -> [Point] {
        let queries = try VectorFiles.loadVectors(config.queries)
        let (index, cgroup) = try prepare(onBuild)
        defer { try? cgroup?.leave() }
        guard queries.dimension == index.dimension else {
            throw KuraError.invalidArgument("queries have dimension \(queries.dimension), the index \(index.dimension)")
        }
        let truth = try groundTruth(index, queries)
        var points: [Point] = []
        _ = try measure(index, queries, truth, ef: config.efs.max()!)  // touch every page the runs will need
        for ef in config.efs {
            let p = try measure(index, queries, truth, ef: ef)
            onPoint(p)
            points.append(p)
        }
        if config.exact {
            _ = try exactSearch(index, queries.prefix(10))
            var best = Double.infinity  // best of three: one batch is short enough for noise to matter
            for _ in 0..<3 {
                let t0 = DispatchTime.now()
                _ = try exactSearch(index, queries)
                best = min(best, QueryTimer.seconds(since: t0))
            }
            onExact(Exact(seconds: best, queries: queries.rows))
        }
        let usage = cgroup?.usage
        onMemory(
            Memory(
                process: .current(), limitBytes: cgroup?.limitBytes, cgroup: cgroup?.version, cgroupPeak: cgroup?.peakBytes,
                cgroupAnonymous: usage?.anonymous, cgroupFile: usage?.file))
        return points
    }

    /// The index to search, and the cgroup the search runs in under a memory limit: there a built index is
    /// saved and released, and the segment file is opened again from disk inside the group.
    private func prepare(_ onBuild: (Build) -> Void) throws -> (any VectorSearchable, MemoryCgroup?) {
        guard let limit = config.memoryLimit else {
            let (index, build) = try buildOrLoad()
            onBuild(build)
            return (index, nil)
        }
        if config.load == nil { onBuild(try buildOrLoad().1) }
        let file = config.load ?? config.save!
        try PageCache.evict(path: file)
        let cgroup = try MemoryCgroup.enter(limitBytes: limit)
        do {
            let t0 = DispatchTime.now()
            let seg = try Segment(path: file)
            if config.load != nil {
                onBuild(Build(seconds: QueryTimer.seconds(since: t0), threads: config.threads, indexBytes: seg.fileBytes, rows: seg.count, loaded: true))
            }
            return (seg, cgroup)
        } catch {
            try? cgroup.leave()
            throw error
        }
    }

    private func exactSearch(_ index: any VectorSearchable, _ queries: VectorSet) throws -> [[Neighbor]] {
        switch index {
        case let i as HNSWIndex: return try i.exactSearch(queries.data, k: config.k)
        case let s as Segment: return try s.exactSearch(queries.data, k: config.k)
        default: throw KuraError.invalidArgument("exact search is not available for this index")
        }
    }

    private func buildOrLoad() throws -> (any VectorSearchable, Build) {
        if let load = config.load {
            let t0 = DispatchTime.now()
            let seg = try Segment(path: load)
            return (seg, Build(seconds: QueryTimer.seconds(since: t0), threads: config.threads, indexBytes: seg.fileBytes, rows: seg.count, loaded: true))
        }
        // Rows stream from the mapped file a block at a time; with --save the index keeps its f32 rows in a
        // file beside the segment (page cache, not anonymous memory), as a merge does: 10M rows fit 2 cores' RAM.
        let base = try VectorRows(path: config.base!, limit: config.limit)
        let index = try HNSWIndex(
            dimension: base.dimension, metric: config.metric, parameters: config.parameters, capacity: max(base.rows, 1),
            rowsFile: config.save.map { $0 + ".rows-\(getpid())" })
        let t0 = DispatchTime.now()
        for start in stride(from: 0, to: base.rows, by: config.buildBlock) {
            let range = start..<min(base.rows, start + config.buildBlock)
            try base.block(range).withUnsafeBufferPointer {
                _ = try index.insert(contentsOf: $0, ids: range.map { UInt64($0) }, threads: config.threads)
            }
        }
        let build = Build(seconds: QueryTimer.seconds(since: t0), threads: config.threads, indexBytes: index.memoryBytes, rows: base.rows, loaded: false)
        if let save = config.save { try SegmentWriter.write(index, to: save) }
        return (index, build)
    }

    /// The true top-k row ids per query: from `--truth`, or computed exactly when none is given.
    private func groundTruth(_ index: any VectorSearchable, _ queries: VectorSet) throws -> [[Int32]] {
        if let truth = config.truth {
            let t = try VectorFiles.loadIvecs(truth)
            guard t.count >= queries.rows, t.allSatisfy({ $0.count >= config.k }) else {
                throw KuraError.invalidArgument("\(truth) has \(t.count) rows of \(t.first?.count ?? 0) ids; need \(queries.rows) rows of at least \(config.k)")
            }
            return t.map { $0.prefix(config.k).map { $0 &+ Int32(truncatingIfNeeded: config.truthOffset) } }
        }
        // Searches report ids, so the exact rows are named by id too (a loaded segment's ids need not be rows).
        return try exactSearch(index, queries).map { $0.map { Int32(truncatingIfNeeded: index.id(ofRow: $0.row)) } }
    }

    private func measure(_ index: any VectorSearchable, _ queries: VectorSet, _ truth: [[Int32]], ef: Int) throws -> Point {
        let m = try QueryTimer.run(queries: queries, truth: truth, k: config.k, threads: config.threads) { q in
            try index.search(q, k: config.k, ef: ef, filter: nil, strategy: .automatic).map { index.id(ofRow: $0.row) }
        }
        return Point(ef: ef, recall: m.recall, qps: m.qps, p50us: m.p50us, p99us: m.p99us)
    }

}

extension AnnBenchmark.Build {
    /// One JSON object for the results file.
    public var json: String {
        "{\"build_s\":\(r3(seconds)),\"threads\":\(threads),\"index_bytes\":\(indexBytes),\"rows\":\(rows),\"loaded\":\(loaded),\"kernels\":\"\(Kernels.activeName)\"}"
    }
}

extension AnnBenchmark.Memory {
    /// One JSON object for the results file.
    public var json: String {
        var fields = ["\"rss_anon\":\(process.anonymous)", "\"rss_file\":\(process.file)", "\"rss_peak\":\(process.peak)"]
        if let limitBytes { fields.append("\"memory_limit\":\(limitBytes)") }
        if let cgroup { fields.append("\"cgroup\":\"\(cgroup.rawValue)\"") }
        if let cgroupPeak { fields.append("\"cgroup_peak\":\(cgroupPeak)") }
        if let cgroupAnonymous { fields.append("\"cgroup_anon\":\(cgroupAnonymous)") }
        if let cgroupFile { fields.append("\"cgroup_file\":\(cgroupFile)") }
        return "{" + fields.joined(separator: ",") + "}"
    }

    /// One line for people: resident anonymous and file pages, and the cgroup's figures under a limit.
    public var summary: String {
        func mib(_ b: Int?) -> String { b.map { "\($0 / 1_048_576) MiB" } ?? "?" }
        var line = "memory: resident \(mib(process.anonymous)) anonymous + \(mib(process.file)) file, peak \(mib(process.peak))"
        if let limitBytes, let cgroup {
            line +=
                "; cgroup \(cgroup.rawValue) limit \(mib(limitBytes)): peak \(mib(cgroupPeak)), now \(mib(cgroupAnonymous)) anonymous + \(mib(cgroupFile)) file"
        }
        return line
    }
}

extension AnnBenchmark.Exact {
    /// One JSON object for the results file.
    public var json: String { "{\"exact_qps\":\(r3(qps)),\"exact_s\":\(r4(seconds)),\"queries\":\(queries)}" }
}

extension AnnBenchmark.Point {
    /// One JSON object for the results file.
    public var json: String {
        "{\"ef\":\(ef),\"recall\":\(r4(recall)),\"qps\":\(r3(qps)),\"p50_us\":\(r3(p50us)),\"p99_us\":\(r3(p99us))}"
    }
}

func r3(_ x: Double) -> String { String(format: "%.3f", x) }
func r4(_ x: Double) -> String { String(format: "%.4f", x) }
