import CKuraKernels
import KuraCore

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// Writes an index as a segment file (format in ``SegmentFormat``): to `path.tmp` first, fsynced, then
/// renamed over `path` and the directory fsynced, so a crash leaves either the old file or the new one.
public enum SegmentWriter {
    /// Writes `index`, which must take no inserts meanwhile. Deletes may go on (a collection seals a
    /// frozen graph while new deletes still reach it): the file gets one consistent copy of the tombstones.
    /// `postings`, when given, is stored as the postings section (its rows must be the index's), given as
    /// the pieces it was written in, so that a large one can be read from spill files instead of memory.
    /// With `releasingRows` the f32 rows kept in a file (`HNSWIndex(rowsFile:)`) are freed from it as they are
    /// written, so a merge's disk peak is its new segment, not that plus a copy of the rows; the index
    /// must not be searched afterwards (its rows read as zeros).
    /// - Throws: `KuraError.io` when the file cannot be written, synced or renamed.
    public static func write(_ index: HNSWIndex, to path: String, postings: [UnsafeRawBufferPointer]? = nil, releasingRows: Bool = false) throws {
        let rows = index.count
        let tombstones = index.deleteLock.withLock { _ in
            Array(UnsafeBufferPointer(start: index.tombstones.typed(UInt64.self), count: (rows + 63) / 64))
        }
        try tombstones.withUnsafeBytes { t in
            try write(index, rows: rows, tombstones: t, postings: postings, to: path, releasingRows: releasingRows)
        }
    }

    private static func write(
        _ index: HNSWIndex, rows: Int, tombstones: UnsafeRawBufferPointer, postings: [UnsafeRawBufferPointer]?, to path: String, releasingRows: Bool
    ) throws {
        let p = index.parameters
        let (upperOffsets, upperData) = upperLevels(index, rows: rows)
        var parts: [(SegmentSection, [UnsafeRawBufferPointer])] = [
            (.vectors, [UnsafeRawBufferPointer(start: index.vectors.raw, count: rows * index.stride)]),
            (.level0, [UnsafeRawBufferPointer(start: index.level0.raw, count: rows * (p.maxM0 + 1) * 4)]),
            (.levels, [UnsafeRawBufferPointer(start: index.levels.raw, count: rows)]),
            (.ids, [UnsafeRawBufferPointer(start: index.ids.raw, count: rows * 8)]),
            (.tombstones, [tombstones]),
        ]
        if let t = index.traversalRows { parts.append((.traversal, [UnsafeRawBufferPointer(start: t.raw, count: rows * index.traversalStride)])) }
        if let s = index.scales { parts.append((.scales, [UnsafeRawBufferPointer(start: s.raw, count: rows * 4)])) }
        if let postings { parts.append((.postings, postings)) }
        try upperOffsets.withUnsafeBytes { offsets in
            try upperData.withUnsafeBytes { data in
                parts.append((.upperOffsets, [offsets]))
                parts.append((.upperData, [data]))
                let top = index.currentTop
                var header = SegmentHeader(
                    dimension: index.dimension, metric: index.metric, encoding: p.encoding, parameters: p, rows: rows,
                    deleted: tombstones.bindMemory(to: UInt64.self).reduce(0) { $0 + $1.nonzeroBitCount }, entry: top.entry, topLevel: top.level, sections: [])
                var offset = SegmentFormat.headerSize
                for (kind, pieces) in parts {
                    let crc = pieces.reduce(UInt32(0)) { ck_crc32c($0, $1.baseAddress, $1.count) }
                    let length = pieces.reduce(0) { $0 + $1.count }
                    header.sections.append(.init(kind: kind, crc: crc, offset: offset, length: length))
                    offset = SegmentFormat.align(offset + length)
                }
                let release = releasingRows && index.vectors.isFile ? parts.firstIndex { $0.0 == .vectors } : nil
                try writeAtomically(path: path, header: header.encode(), parts: parts.map(\.1), releasing: release)
            }
        }
    }

    /// Packs per-row upper-level blocks into one array plus a word offset per row.
    private static func upperLevels(_ index: HNSWIndex, rows: Int) -> ([UInt32], [UInt32]) {
        let width = index.parameters.m + 1
        var offsets = [UInt32](repeating: SegmentFormat.noUpper, count: rows)
        var data: [UInt32] = []
        let levels = index.levels.typed(UInt8.self)
        for r in 0..<rows {
            let level = Int(levels[r])
            guard level != Int(HeapLinks.notReady), level > 0, let block = index.upper[r] else { continue }
            offsets[r] = UInt32(data.count)
            data.append(contentsOf: UnsafeBufferPointer(start: block, count: level * width))
        }
        return (offsets, data)
    }

    /// Bytes written between releases of a file-backed part: page-aligned, large enough to write fast.
    static let releasePiece = 64 << 20

    /// Writes the header and `parts` (each its pieces in order, padded to 64 bytes) to `path.tmp`, then fsync
    /// and rename. The part at index `releasing` (one piece) is written 64 MB at a time, each piece's
    /// file-backed pages freed after.
    private static func writeAtomically(path: String, header: [UInt8], parts: [[UnsafeRawBufferPointer]], releasing: Int? = nil) throws {
        let tmp = path + ".tmp"
        let fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC, 0o644)
        guard fd >= 0 else { throw KuraError.io(path: tmp, reason: String(cString: strerror(errno))) }
        var ok = false
        defer {
            close(fd)
            if !ok { unlink(tmp) }
        }
        var written = 0
        func put(_ bytes: UnsafeRawBufferPointer) throws {
            var done = 0
            while done < bytes.count {
                let n = Glibc.write(fd, bytes.baseAddress! + done, bytes.count - done)
                guard n > 0 else { throw KuraError.io(path: tmp, reason: n < 0 ? String(cString: strerror(errno)) : "short write") }
                done += n
            }
            written += bytes.count
        }
        let zeros = [UInt8](repeating: 0, count: 64)
        try header.withUnsafeBytes { try put($0) }
        for (i, pieces) in parts.enumerated() {
            for part in pieces where part.count > 0 {
                guard i == releasing else {
                    try put(part)
                    continue
                }
                for start in stride(from: 0, to: part.count, by: releasePiece) {
                    let piece = UnsafeRawBufferPointer(rebasing: part[start..<min(start + releasePiece, part.count)])
                    try put(piece)
                    _ = madvise(UnsafeMutableRawPointer(mutating: piece.baseAddress!), piece.count, MADV_REMOVE)
                }
            }
            let pad = SegmentFormat.align(written) - written
            if pad > 0 { try zeros.withUnsafeBytes { try put(UnsafeRawBufferPointer(rebasing: $0[0..<pad])) } }
        }
        guard fsync(fd) == 0 else { throw KuraError.io(path: tmp, reason: "fsync: " + String(cString: strerror(errno))) }
        guard rename(tmp, path) == 0 else { throw KuraError.io(path: path, reason: "rename: " + String(cString: strerror(errno))) }
        ok = true
        try Durable.syncParent(of: path)
    }
}
