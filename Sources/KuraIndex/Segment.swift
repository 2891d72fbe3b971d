import CKuraKernels
import KuraCore

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// A segment file opened with `mmap` and searched in place: opening costs the same whatever the size,
/// and the kernel pages rows in as searches touch them. The sections every search walks (graph, traversal
/// rows) ask for 2 MiB pages (``MappedFile/Access/hot``); the f32 rows, read one here and there to re-score,
/// are read without read-around.
public final class Segment: @unchecked Sendable {
    /// The file's path.
    public let path: String
    /// Values per vector.
    public let dimension: Int
    /// The distance searches rank by.
    public let metric: Metric
    /// The parameters the graph was built with.
    public let parameters: HNSWParameters
    /// Rows in the file.
    public let count: Int
    /// Rows the file itself marks deleted (a store's later deletions are kept outside it).
    public let deletedCount: Int
    let header: SegmentHeader
    let file: MappedFile
    let base: UnsafeRawPointer
    let view: IndexView<SegmentLinks>
    let idsPointer: UnsafePointer<UInt64>
    let pool: ContextPool

    /// Maps the segment file at `path` and checks its header (with the header's CRC, which covers the
    /// section table) and that every section fits; the sections' own CRCs are checked by `kura verify`.
    /// - Throws: `KuraError.corruptFile` for a file that is short, not a segment, of another version, or
    /// whose header or sections fail those checks; `.io` when it cannot be opened.
    public init(path: String) throws {
        let file = try MappedFile(path: path, minimumBytes: SegmentFormat.headerSize) {
            "file is \($0) bytes, shorter than the \(SegmentFormat.headerSize)-byte segment header (truncated?)"
        }
        let size = file.count
        let m = UnsafeMutableRawPointer(mutating: file.base)
        let h = try SegmentHeader.decode(UnsafeRawBufferPointer(start: m, count: size), fileSize: size, path: path)
        self.path = path
        self.file = file
        base = file.base
        header = h
        dimension = h.dimension
        metric = h.metric
        parameters = h.parameters
        count = h.rows
        deletedCount = h.deleted
        func at(_ kind: SegmentSection) -> UnsafeRawPointer { UnsafeRawPointer(m) + (h.section(kind)?.offset ?? 0) }
        let upperData = h.section(.upperData)!
        let links = SegmentLinks(
            level0: at(.level0).assumingMemoryBound(to: UInt32.self), levels: at(.levels).assumingMemoryBound(to: UInt8.self),
            upperOffsets: at(.upperOffsets).assumingMemoryBound(to: UInt32.self),
            upperData: at(.upperData).assumingMemoryBound(to: UInt32.self), upperWords: upperData.length / 4,
            rowBound: h.rows, maxM0: h.parameters.maxM0, maxM: h.parameters.m)
        let full = DistanceKernel(
            metric: h.metric, encoding: .f32, base: at(.vectors), stride: rowStride(dimension: h.dimension, encoding: .f32), scales: nil, dimension: h.dimension
        )
        let traversal =
            h.encoding == .f32
            ? full
            : DistanceKernel(
                metric: h.metric, encoding: h.encoding, base: at(.traversal), stride: rowStride(dimension: h.dimension, encoding: h.encoding),
                scales: h.encoding == .int8 ? at(.scales).assumingMemoryBound(to: Float.self) : nil, dimension: h.dimension)
        view = IndexView(
            links: links, metric: h.metric, dimension: h.dimension, rowCount: h.rows, levels: links.levels, full: full,
            traversal: traversal, quantized: h.encoding != .f32,
            tombstones: h.deleted > 0 ? at(.tombstones).assumingMemoryBound(to: UInt64.self) : nil,
            entry: h.entry, maxLevel: h.topLevel)
        idsPointer = at(.ids).assumingMemoryBound(to: UInt64.self)
        pool = ContextPool(rows: max(h.rows, 1), maxM0: h.parameters.maxM0, dimension: h.dimension)
        advise(.random)
        for kind in Self.hotSections(h.encoding) {
            if let e = h.section(kind) { file.advise(offset: e.offset, length: e.length, .hot) }
        }
    }

    /// What every search walks: the graph and the rows it measures distances on (f32 ones when there is
    /// no compact copy).
    private static func hotSections(_ encoding: VectorEncoding) -> [SegmentSection] {
        [encoding == .f32 ? .vectors : .traversal, .scales, .level0, .levels, .upperOffsets, .upperData]
    }

    /// The file's size.
    public var fileBytes: Int { file.count }

    /// Runs `body`, which reads the f32 rows in order (a merge), with read-ahead on for them.
    public func readingRowsInOrder<T>(_ body: () throws -> T) rethrows -> T {
        advise(.sequential)
        defer { advise(.random) }
        return try body()
    }

    /// Where traversal reads the compact copy, f32 rows are read only to re-score a query's final list:
    /// one row here and there, so read-around would only fill memory (a pod's limit) with unread rows.
    private func advise(_ access: MappedFile.Access) {
        guard header.encoding != .f32, let vectors = header.section(.vectors) else { return }
        file.advise(offset: vectors.offset, length: vectors.length, access)
    }

    /// The caller's id of `row` (which must be below `count`).
    public func id(ofRow row: UInt32) -> UInt64 { idsPointer[Int(row)] }

    /// The `k` rows closest to `query`, skipping the file's deleted rows and those `filter` rejects.
    /// - Throws: as `HNSWIndex.search`.
    public func search(_ query: [Float], k: Int, ef: Int? = nil, filter: RowFilter? = nil, strategy: FilterStrategy = .automatic) throws -> [Neighbor] {
        try query.withUnsafeBufferPointer { try search($0, k: k, ef: ef, filter: filter, strategy: strategy) }
    }

    /// The same, for a query in caller's memory.
    public func search(
        _ query: UnsafeBufferPointer<Float>, k: Int, ef: Int? = nil, filter: RowFilter? = nil, strategy: FilterStrategy = .automatic
    ) throws -> [Neighbor] {
        try view.search(query, k: k, ef: ef ?? parameters.efSearch, filter: filter, strategy: strategy, pool: pool)
    }

    /// A search that skips the rows in `tombstones` instead of the file's own (which the caller includes
    /// when it wants them): a store keeps deletions made after sealing outside the immutable file.
    public func search(
        _ query: UnsafeBufferPointer<Float>, k: Int, ef: Int?, filter: RowFilter?, strategy: FilterStrategy, tombstones: Bitset
    ) throws -> [Neighbor] {
        precondition(tombstones.capacity >= count, "tombstones cover \(tombstones.capacity) of \(count) rows")
        return try tombstones.words.withUnsafeBufferPointer { words in
            var v = view
            v.tombstones = words.baseAddress
            return try v.search(query, k: k, ef: ef ?? parameters.efSearch, filter: filter, strategy: strategy, pool: pool)
        }
    }

    /// The rows tombstoned in the file.
    public var fileTombstones: Bitset {
        guard let s = header.section(.tombstones), count > 0 else { return Bitset(capacity: count) }
        let words = UnsafeBufferPointer(start: (base + s.offset).assumingMemoryBound(to: UInt64.self), count: (count + 63) / 64)
        return Bitset(capacity: count, words: Array(words))
    }

    /// The stored (for cosine, normalised) f32 vector of `row`, read in place.
    public func vector(ofRow row: UInt32) -> UnsafeBufferPointer<Float> {
        UnsafeBufferPointer(start: view.full.f32Row(row), count: dimension)
    }

    /// The postings section's bytes, mapped in place; nil for a segment written without one.
    public var postings: UnsafeRawBufferPointer? {
        header.section(.postings).map { UnsafeRawBufferPointer(start: base + $0.offset, count: $0.length) }
    }

    /// The header's CRC-32C, which covers every section checksum: a fingerprint of the whole file.
    public var headerChecksum: UInt32 {
        UInt32(littleEndian: base.loadUnaligned(fromByteOffset: SegmentFormat.headerCRCOffset, as: UInt32.self))
    }

    /// Recomputes every section checksum; returns one line per mismatch (empty when the file is intact).
    public func verify() -> [String] {
        header.sections.compactMap { s in
            let crc = ck_crc32c(0, base + s.offset, s.length)
            return crc == s.crc ? nil : "\(path): section \(s.kind) checksum mismatch (stored \(String(s.crc, radix: 16)), computed \(String(crc, radix: 16)))"
        }
    }

    /// Exact search over every row, for ground truth.
    public func exactSearch(_ queries: [Float], k: Int) throws -> [[Neighbor]] {
        try queries.withUnsafeBufferPointer {
            try ExactSearch.search(
                queries: $0, dimension: dimension, base: view.full.f32Row(0), rowStride: view.full.stride / 4, rows: count,
                metric: metric, k: k)
        }
    }
}
