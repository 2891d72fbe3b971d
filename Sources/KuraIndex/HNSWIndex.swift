import CKuraKernels
import KuraCore
import Synchronization

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// A growing HNSW index in memory: insert (from many threads at once), delete by tombstone, search
/// with filters. Rows are numbered in insertion order; each carries a caller's 64-bit id.
///
/// Memory is allocated once for `capacity` rows so that concurrent searches never see storage move.
/// Rows are f32, 64-byte aligned; with a quantised `encoding` an f16 or int8 copy is kept for traversal.
public final class HNSWIndex: @unchecked Sendable {
    /// Values per vector.
    public let dimension: Int
    /// The distance searches rank by.
    public let metric: Metric
    /// The graph's parameters.
    public let parameters: HNSWParameters
    /// Rows the index can hold; inserting past it throws.
    public let capacity: Int

    let stride: Int
    let vectors: AlignedBuffer
    let traversalStride: Int
    let traversalRows: AlignedBuffer?
    let scales: AlignedBuffer?
    let level0: AlignedBuffer
    let upper: UnsafeMutablePointer<UnsafeMutablePointer<UInt32>?>
    let levels: AlignedBuffer
    let ids: AlignedBuffer
    let tombstones: AlignedBuffer
    let locks = NodeLocks()
    let pool: ContextPool

    /// Serialises inserts that raise the top level, as in hnswlib.
    let topLock = Mutex<Void>(())
    /// Entry point and top level, packed: bit 63 set when there is an entry, bits 32..39 the level.
    let top = Atomic<UInt64>(0)
    let reserved = Atomic<Int>(0)
    let deleteLock = Mutex<Void>(())
    let deleted = Atomic<Int>(0)

    /// Makes an empty index with room for `capacity` rows. With `rowsFile`, the f32 rows live in that
    /// file (made, then removed at once, so nothing outlives the index) instead of anonymous memory: the
    /// kernel can write them back and drop them under memory pressure. A merge of millions of rows uses
    /// it; the traversal copy, graph and ids stay in anonymous memory, where traversal needs them.
    /// - Throws: `KuraError.invalidArgument` for a dimension or capacity out of range or invalid
    ///   parameters; `KuraError.io` when `rowsFile` cannot be made.
    public init(dimension: Int, metric: Metric, parameters: HNSWParameters = HNSWParameters(), capacity: Int, rowsFile: String? = nil) throws {
        guard dimension > 0 && dimension <= 65_536 else {
            throw KuraError.invalidArgument("dimension must be in 1...65536, got \(dimension)")
        }
        guard capacity > 0 && capacity < Int(UInt32.max) else {
            throw KuraError.invalidArgument("capacity must be in 1..<\(UInt32.max), got \(capacity)")
        }
        try parameters.validate()
        self.dimension = dimension
        self.metric = metric
        self.parameters = parameters
        self.capacity = capacity
        stride = rowStride(dimension: dimension, encoding: .f32)
        let rowBytes = stride * capacity
        vectors = try rowsFile.map { try AlignedBuffer(byteCount: rowBytes, file: $0) } ?? AlignedBuffer(byteCount: rowBytes)
        if parameters.encoding == .f32 {
            traversalStride = stride
            traversalRows = nil
        } else {
            traversalStride = rowStride(dimension: dimension, encoding: parameters.encoding)
            traversalRows = AlignedBuffer(byteCount: traversalStride * capacity)
        }
        scales = parameters.encoding == .int8 ? AlignedBuffer(byteCount: 4 * capacity) : nil
        level0 = AlignedBuffer(byteCount: 4 * (parameters.maxM0 + 1) * capacity)
        upper = .allocate(capacity: capacity)
        upper.initialize(repeating: nil, count: capacity)
        levels = AlignedBuffer(byteCount: capacity)
        memset(levels.raw, Int32(HeapLinks.notReady), capacity)
        ids = AlignedBuffer(byteCount: 8 * capacity)
        tombstones = AlignedBuffer(byteCount: 8 * ((capacity + 63) / 64))
        pool = ContextPool(rows: capacity, maxM0: parameters.maxM0, dimension: dimension)
    }

    deinit {
        for i in 0..<capacity { upper[i]?.deallocate() }
        upper.deallocate()
    }

    /// Rows inserted or being inserted.
    public var count: Int { min(reserved.load(ordering: .acquiring), capacity) }

    /// Rows deleted by tombstone.
    public var deletedCount: Int { deleted.load(ordering: .relaxed) }

    /// The caller's id of `row`.
    public func id(ofRow row: UInt32) -> UInt64 { ids.typed(UInt64.self)[Int(row)] }

    /// The stored (normalised, for cosine) f32 vector of `row`.
    public func vector(ofRow row: UInt32) -> [Float] {
        Array(UnsafeBufferPointer(start: vectors.typed(Float.self) + Int(row) * (stride / 4), count: dimension))
    }

    var links: HeapLinks {
        HeapLinks(
            level0: level0.typed(UInt32.self), upper: upper, levels: levels.typed(UInt8.self), rowBound: capacity, maxM0: parameters.maxM0, maxM: parameters.m)
    }

    var fullKernel: DistanceKernel {
        DistanceKernel(metric: metric, encoding: .f32, base: vectors.raw, stride: stride, scales: nil, dimension: dimension)
    }

    var traversalKernel: DistanceKernel {
        guard let traversalRows else { return fullKernel }
        return DistanceKernel(
            metric: metric, encoding: parameters.encoding, base: traversalRows.raw, stride: traversalStride,
            scales: scales.map { UnsafePointer($0.typed(Float.self)) }, dimension: dimension)
    }

    /// What graph construction measures with: the int8 traversal copy when the index has one, so that a build
    /// reads no stored f32 row but the one it inserts (at 10M the f32 rows are 15 GB and leave the page cache;
    /// the int8 copy is 3.8 GB). At 1M its graph's recall@10 is the f32-built one's within -0.003 to +0.006 at every ef
    /// from 16 to 256. The f32 rows otherwise.
    var buildKernel: DistanceKernel {
        parameters.encoding == .int8 ? traversalKernel : fullKernel
    }

    struct Top {
        var entry: UInt32?
        var level: Int
    }

    var currentTop: Top { Self.unpack(top.load(ordering: .acquiring)) }

    static func pack(_ t: Top) -> UInt64 {
        guard let e = t.entry else { return 0 }
        return 1 << 63 | UInt64(t.level) << 32 | UInt64(e)
    }

    static func unpack(_ v: UInt64) -> Top {
        v >> 63 == 0 ? Top(entry: nil, level: 0) : Top(entry: UInt32(truncatingIfNeeded: v), level: Int((v >> 32) & 0xFF))
    }

    var view: IndexView<HeapLinks> {
        let t = currentTop
        return IndexView(
            links: links, metric: metric, dimension: dimension, rowCount: count, levels: levels.typed(UInt8.self),
            full: fullKernel, traversal: traversalKernel, quantized: parameters.encoding != .f32,
            tombstones: deletedCount > 0 ? UnsafePointer(tombstones.typed(UInt64.self)) : nil,
            entry: t.entry, maxLevel: t.level)
    }

    /// The `k` rows closest to `query`. `ef` (default `parameters.efSearch`) trades speed for recall.
    /// Tombstoned rows and rows the filter rejects are never returned.
    public func search(_ query: [Float], k: Int, ef: Int? = nil, filter: RowFilter? = nil, strategy: FilterStrategy = .automatic) throws -> [Neighbor] {
        try query.withUnsafeBufferPointer { try search($0, k: k, ef: ef, filter: filter, strategy: strategy) }
    }

    /// The same, for a query in caller's memory.
    /// - Throws: `KuraError.invalidArgument` for a query of another dimension or with a non-finite value,
    /// or a `k` below 1.
    public func search(
        _ query: UnsafeBufferPointer<Float>, k: Int, ef: Int? = nil, filter: RowFilter? = nil, strategy: FilterStrategy = .automatic
    ) throws -> [Neighbor] {
        try view.search(query, k: k, ef: ef ?? parameters.efSearch, filter: filter, strategy: strategy, pool: pool)
    }

    /// Marks `row` deleted. Its links stay, so searches still pass through it. Returns false if the row
    /// does not exist or was already deleted.
    @discardableResult
    public func delete(row: UInt32) -> Bool {
        guard Int(row) < count else { return false }
        return deleteLock.withLock { _ in
            let words = tombstones.typed(UInt64.self)
            let bit: UInt64 = 1 << UInt64(row & 63)
            guard words[Int(row >> 6)] & bit == 0 else { return false }
            words[Int(row >> 6)] |= bit
            deleted.add(1, ordering: .releasing)
            return true
        }
    }

    /// Whether `row` is tombstoned; false for rows past the capacity.
    public func isDeleted(row: UInt32) -> Bool {
        Int(row) < capacity && tombstones.typed(UInt64.self)[Int(row >> 6)] & (1 << UInt64(row & 63)) != 0
    }
}
