import Dispatch
import Foundation
import KuraCore
import KuraIndex
import KuraStore

/// `kura bench store`: ingest pre-embedded vectors into a fresh collection, seal, then measure how long
/// opening the collection takes and how search on the sealed collection compares with the same vectors
/// in an in-memory index.
public struct StoreBenchmark: Sendable {
    public struct Config: Sendable {
        public var base: String
        public var queries: String
        public var truth: String
        public var directory: String
        public var metric: Metric = .cosine
        public var parameters = HNSWParameters()
        public var sealThreshold = CollectionInfo.defaultSealThreshold
        public var batch = 1000
        public var ef = 64
        public var k = 10
        public var limit: Int?

        public init(base: String, queries: String, truth: String, directory: String) {
            self.base = base
            self.queries = queries
            self.truth = truth
            self.directory = directory
        }
    }

    public let config: Config

    public init(config: Config) { self.config = config }

    /// Runs every phase, reporting each as one JSON line.
    public func run(_ emit: (String) -> Void) throws {
        var base = try VectorFiles.loadVectors(config.base)
        if let limit = config.limit { base = base.prefix(limit) }
        let queries = try VectorFiles.loadVectors(config.queries)
        let truth = try VectorFiles.loadIvecs(config.truth).map { Array($0.prefix(config.k)) }
        let d = base.dimension
        let name = "bench"
        var store = try Store(directory: config.directory)
        _ = try store.createCollection(
            CollectionInfo(name: name, dimension: d, metric: config.metric, parameters: config.parameters, sealThreshold: config.sealThreshold))
        let collection = try store.collection(name)

        let t0 = DispatchTime.now()
        for start in Swift.stride(from: 0, to: base.rows, by: config.batch) {
            let end = min(start + config.batch, base.rows)
            let records = (start..<end).map { i in
                Record(id: "r\(i)", text: "row \(i)", vector: Array(base.data[(i * d)..<((i + 1) * d)]))
            }
            _ = try collection.upsert(records)
        }
        let ingest = QueryTimer.seconds(since: t0)
        emit(json(["phase": "ingest", "vectors": base.rows, "seconds": ingest, "vectors_per_s": Double(base.rows) / ingest, "batch": config.batch]))
        try collection.sealNow()

        var opens: [Double] = []
        var reopened = collection
        for _ in 0..<5 {
            let t = DispatchTime.now()
            store = try Store(directory: config.directory)
            reopened = try store.collection(name)
            opens.append(QueryTimer.seconds(since: t) * 1000)
        }
        let opened = reopened
        let stats = try opened.stats()
        emit(json(["phase": "open", "ms_median": opens.sorted()[2], "ms_min": opens.min()!, "segments": stats.segments, "vectors": stats.vectors]))

        // Chunk ids follow insertion order in a fresh store: row i is chunk i + 1.
        let sealed = try QueryTimer.run(queries: queries, truth: truth.map { $0.map { $0 + 1 } }, k: config.k, threads: 1) { q in
            try opened.search(Array(q), k: config.k, ef: config.ef).map { UInt64($0.chunkID) }
        }
        emit(
            json([
                "phase": "search", "index": "sealed", "ef": config.ef, "recall": sealed.recall, "qps": sealed.qps, "p50_us": sealed.p50us,
                "p99_us": sealed.p99us,
            ]))

        let memory = try HNSWIndex(dimension: d, metric: config.metric, parameters: config.parameters, capacity: base.rows)
        try base.data.withUnsafeBufferPointer {
            _ = try memory.insert(contentsOf: $0, ids: (0..<base.rows).map { UInt64($0) }, threads: ProcessInfo.processInfo.activeProcessorCount)
        }
        let inMemory = try QueryTimer.run(queries: queries, truth: truth, k: config.k, threads: 1) { q in
            try memory.search(q, k: config.k, ef: config.ef).map { memory.id(ofRow: $0.row) }
        }
        emit(
            json([
                "phase": "search", "index": "memory", "ef": config.ef, "recall": inMemory.recall, "qps": inMemory.qps, "p50_us": inMemory.p50us,
                "p99_us": inMemory.p99us,
            ]))
    }

    private func json(_ o: [String: Any]) -> String {
        let data = (try? JSONSerialization.data(withJSONObject: o, options: [.sortedKeys])) ?? Data()
        return String(decoding: data, as: UTF8.self)
    }
}
