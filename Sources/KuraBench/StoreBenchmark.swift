import Dispatch
import Foundation
import KuraCore
import KuraIndex
import KuraStore

/// `kura bench store`: ingest pre-embedded vectors into a fresh collection, seal, then measure how long
/// opening the collection takes and how search on the sealed collection compares with the same vectors
/// in an in-memory index.
public struct StoreBenchmark: Sendable {
    /// What to measure.
    public struct Config: Sendable {
        /// Base vectors (`.fvecs` or `.npy`).
        public var base: String
        /// Query vectors.
        public var queries: String
        /// Exact neighbours of each query (`.ivecs`).
        public var truth: String
        /// A directory for the rounds' data directories (`round-N` under it; each round removes the one before).
        public var directory: String
        /// The collection's distance.
        public var metric: Metric = .cosine
        /// The collection's graph parameters.
        public var parameters = HNSWParameters()
        /// Vectors a growing part holds before it is sealed into a segment.
        public var sealThreshold = CollectionInfo.defaultSealThreshold
        /// Vectors per upsert.
        public var batch = 1000
        /// Search breadth.
        public var ef = 64
        /// Neighbours asked per query.
        public var k = 10
        /// Base rows used at most.
        public var limit: Int?
        /// Fresh collections to ingest into; the median is reported (shared 2-core machines are noisy).
        public var ingestRounds = 3
        /// Whether to build the same vectors in an in-memory index as the search peer.
        public var inMemoryPeer = true

        /// A configuration with the defaults above.
        public init(base: String, queries: String, truth: String, directory: String) {
            self.base = base
            self.queries = queries
            self.truth = truth
            self.directory = directory
        }
    }

    /// The configuration.
    public let config: Config

    /// A benchmark of `config`.
    public init(config: Config) { self.config = config }

    /// Runs every phase, reporting each as one JSON line.
    public func run(_ emit: (String) -> Void) throws {
        let base = try VectorRows(path: config.base, limit: config.limit)
        let queries = try VectorFiles.loadVectors(config.queries)
        let truth = try VectorFiles.loadIvecs(config.truth).map { Array($0.prefix(config.k)) }
        let d = base.dimension
        let name = "bench"
        var rates: [Double] = []
        var last: (Store, DocumentCollection)?
        for round in 0..<max(config.ingestRounds, 1) {
            // Each round in a fresh data directory; the last one is kept for the phases below.
            let dir = "\(config.directory)/round-\(round)"
            if round > 0 { try? FileManager.default.removeItem(atPath: "\(config.directory)/round-\(round - 1)") }
            let store = try Store(directory: dir)
            _ = try store.createCollection(
                CollectionInfo(name: name, dimension: d, metric: config.metric, parameters: config.parameters, sealThreshold: config.sealThreshold))
            let collection = try store.collection(name)
            last = (store, collection)
            let anonymous = AnonymousPeak()
            let seconds = try ingest(base, into: collection)
            rates.append(Double(base.rows) / seconds)
            emit(
                json([
                    "phase": "ingest-round", "round": round, "vectors": base.rows, "seconds": seconds, "vectors_per_s": rates.last!,
                    "anon_peak": anonymous.stop(),
                ]))
        }
        let sorted = rates.sorted()
        emit(
            json([
                "phase": "ingest", "vectors": base.rows, "vectors_per_s": sorted[sorted.count / 2], "min_vectors_per_s": sorted.first!,
                "max_vectors_per_s": sorted.last!, "rounds": rates.count, "seconds": Double(base.rows) / sorted[sorted.count / 2], "batch": config.batch,
            ]))
        let directory = "\(config.directory)/round-\(rates.count - 1)"
        guard let (first, collection) = last else { return }
        var store = first
        try collection.sealNow()

        var opens: [Double] = []
        var reopened: DocumentCollection = collection
        for _ in 0..<5 {
            let t = DispatchTime.now()
            store = try Store(directory: directory)
            reopened = try store.collection(name)
            opens.append(QueryTimer.seconds(since: t) * 1000)
        }
        let opened = reopened
        let stats = try opened.stats()
        emit(json(["phase": "open", "ms_median": opens.sorted()[2], "ms_min": opens.min()!, "segments": stats.segments, "vectors": stats.vectors]))

        // Chunk ids follow insertion order in a fresh store: row i is chunk i + 1.
        let chunkTruth = truth.map { $0.map { $0 + 1 } }
        func searchSealed(_ label: String) throws {
            let m = try timed(queries, chunkTruth) { q in
                try opened.search(Array(q), k: config.k, ef: config.ef).map { UInt64($0.chunkID) }
            }
            let segments = try opened.stats().segments
            emit(
                json([
                    "phase": "search", "index": label, "segments": segments, "ef": config.ef, "recall": m.recall, "qps": m.qps, "p50_us": m.p50us,
                    "p99_us": m.p99us,
                ]))
        }
        try searchSealed("sealed")
        // Anonymous memory before and at most during compaction: the difference is what a merge holds
        // (the base vectors are mapped from their file, or, for formats other than .npy, in both).
        let before = ProcessMemory.current().anonymous
        let anonymous = AnonymousPeak()
        let tc = DispatchTime.now()
        try opened.compact()
        emit(
            json([
                "phase": "compact", "seconds": QueryTimer.seconds(since: tc), "anon_before": before, "anon_peak": anonymous.stop(),
                "vectors": base.rows,
            ]))
        try searchSealed("compacted")
        guard config.inMemoryPeer else { return }

        let memory = try HNSWIndex(dimension: d, metric: config.metric, parameters: config.parameters, capacity: base.rows)
        try base.block(0..<base.rows).withUnsafeBufferPointer {
            _ = try memory.insert(contentsOf: $0, ids: (0..<base.rows).map { UInt64($0) }, threads: ProcessInfo.processInfo.activeProcessorCount)
        }
        let inMemory = try timed(queries, truth) { q in
            try memory.search(q, k: config.k, ef: config.ef).map { memory.id(ofRow: $0.row) }
        }
        emit(
            json([
                "phase": "search", "index": "memory", "ef": config.ef, "recall": inMemory.recall, "qps": inMemory.qps, "p50_us": inMemory.p50us,
                "p99_us": inMemory.p99us,
            ]))
    }

    /// Upserts every row, one record per row, in batches; returns the seconds until all is searchable.
    private func ingest(_ base: VectorRows, into collection: DocumentCollection) throws -> Double {
        let d = base.dimension
        let t0 = DispatchTime.now()
        for start in Swift.stride(from: 0, to: base.rows, by: config.batch) {
            let end = min(start + config.batch, base.rows)
            let block = base.block(start..<end)
            let records = (start..<end).map { i in
                let o = (i - start) * d
                return Record(id: "r\(i)", text: "row \(i)", vector: Array(block[o..<(o + d)]))
            }
            _ = try collection.upsert(records, wait: false)
        }
        try collection.flush()
        return QueryTimer.seconds(since: t0)
    }

    /// One untimed pass to fault in mapped pages and warm caches, then the timed pass.
    private func timed(
        _ queries: VectorSet, _ truth: [[Int32]], _ search: @Sendable (UnsafeBufferPointer<Float>) throws -> [UInt64]
    ) throws
        -> QueryTimer.Measurement
    {
        _ = try QueryTimer.run(queries: queries, truth: truth, k: config.k, threads: 1, search: search)
        return try QueryTimer.run(queries: queries, truth: truth, k: config.k, threads: 1, search: search)
    }

    private func json(_ o: [String: Any]) -> String {
        let data = (try? JSONSerialization.data(withJSONObject: o, options: [.sortedKeys])) ?? Data()
        return String(decoding: data, as: UTF8.self)
    }
}
