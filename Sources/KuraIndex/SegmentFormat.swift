import CKuraKernels
import KuraCore

/// The segment file: one immutable, built HNSW index, searched in place through `mmap`.
///
/// All integers are little-endian. The file starts with a 512-byte header; every section starts on a
/// 64-byte boundary so rows stay cache-line aligned when mapped.
///
/// Header (offsets in bytes):
///
/// | at | size | field |
/// |---|---|---|
/// | 0 | 8 | magic `KURASEG\0` |
/// | 8 | 4 | format version, currently 1 |
/// | 12 | 4 | header size, 512 |
/// | 16 | 4 | dimension |
/// | 20 | 4 | metric (`Metric.code`: 1 cosine, 2 ip, 3 l2) |
/// | 24 | 4 | traversal encoding (1 f32, 2 f16, 3 int8) |
/// | 28 | 4 | M |
/// | 32 | 4 | ef_construction |
/// | 36 | 4 | ef_search (default at query time) |
/// | 40 | 8 | seed |
/// | 48 | 8 | rows |
/// | 56 | 8 | tombstoned rows |
/// | 64 | 4 | entry row (`0xFFFFFFFF` when empty) |
/// | 68 | 4 | top level |
/// | 72 | 4 | section count (at most 12) |
/// | 76 | 4 | reserved, 0 |
/// | 80 | 32·12 | section table: kind u32, CRC-32C u32, offset u64, length u64, reserved u64 |
/// | 508 | 4 | CRC-32C of bytes 0..<508 |
///
/// Sections (`SegmentSection`): f32 rows (`rows × stride`, stride = dimension·4 rounded up to 64),
/// traversal rows (f16 or int8, when the encoding is not f32), int8 scales (f32 per row), level-0 lists
/// (`rows × (1 + 2M)` u32: count then ids), levels (u8 per row), upper-level offsets (u32 per row, a word
/// index into the upper data or `0xFFFFFFFF`), upper data (per row with level L ≥ 1: L lists of `1 + M`
/// u32), ids (u64 per row), tombstones (bitset, u64 words), and optionally postings: the rows' lexical
/// index, opaque to this module (the `KPST` format of KuraText's `PostingsFormat`, with its own header and
/// version), covered by the section CRC like the rest.
///
/// Opening validates the header, its checksum and every section's bounds: constant work, whatever the
/// size. Section checksums are checked by `Segment.verify()`. A search never trusts stored ids, counts or
/// offsets beyond their bounds, so even an unverified corrupt file cannot make it read out of range.
enum SegmentFormat {
    static let magic: [UInt8] = Array("KURASEG\0".utf8)
    static let version: UInt32 = 1
    static let headerSize = 512
    static let maxSections = 12
    static let headerCRCOffset = 508
    static let noEntry: UInt32 = 0xFFFF_FFFF
    static let noUpper: UInt32 = 0xFFFF_FFFF

    static func align(_ x: Int) -> Int { (x + 63) & ~63 }
}

/// Section kinds; never reuse a value.
enum SegmentSection: UInt32, CaseIterable {
    case vectors = 1
    case traversal = 2
    case scales = 3
    case level0 = 4
    case levels = 5
    case upperOffsets = 6
    case upperData = 7
    case ids = 8
    case tombstones = 9
    case postings = 10
}

/// The decoded header.
struct SegmentHeader: Equatable {
    struct Entry: Equatable {
        var kind: SegmentSection
        var crc: UInt32
        var offset: Int
        var length: Int
    }

    var dimension: Int
    var metric: Metric
    var encoding: VectorEncoding
    var parameters: HNSWParameters
    var rows: Int
    var deleted: Int
    var entry: UInt32?
    var topLevel: Int
    var sections: [Entry]

    func section(_ kind: SegmentSection) -> Entry? { sections.first { $0.kind == kind } }

    func encode() -> [UInt8] {
        var b = [UInt8](repeating: 0, count: SegmentFormat.headerSize)
        func put<T: FixedWidthInteger>(_ v: T, at o: Int) {
            withUnsafeBytes(of: v.littleEndian) { for (i, x) in $0.enumerated() { b[o + i] = x } }
        }
        b.replaceSubrange(0..<8, with: SegmentFormat.magic)
        put(SegmentFormat.version, at: 8)
        put(UInt32(SegmentFormat.headerSize), at: 12)
        put(UInt32(dimension), at: 16)
        put(metric.code, at: 20)
        put(encoding.code, at: 24)
        put(UInt32(parameters.m), at: 28)
        put(UInt32(parameters.efConstruction), at: 32)
        put(UInt32(parameters.efSearch), at: 36)
        put(parameters.seed, at: 40)
        put(UInt64(rows), at: 48)
        put(UInt64(deleted), at: 56)
        put(entry ?? SegmentFormat.noEntry, at: 64)
        put(UInt32(topLevel), at: 68)
        put(UInt32(sections.count), at: 72)
        for (i, s) in sections.enumerated() {
            let o = 80 + 32 * i
            put(s.kind.rawValue, at: o)
            put(s.crc, at: o + 4)
            put(UInt64(s.offset), at: o + 8)
            put(UInt64(s.length), at: o + 16)
        }
        put(ck_crc32c(0, b, SegmentFormat.headerCRCOffset), at: SegmentFormat.headerCRCOffset)
        return b
    }

    /// Decodes and checks a header; `fileSize` bounds every section. Errors say what is wrong.
    static func decode(_ p: UnsafeRawBufferPointer, fileSize: Int, path: String) throws -> SegmentHeader {
        func fail(_ why: String) -> KuraError { .corruptFile(path: path, reason: why) }
        guard p.count >= SegmentFormat.headerSize else {
            throw fail("file is \(p.count) bytes, shorter than the \(SegmentFormat.headerSize)-byte segment header (truncated?)")
        }
        func u32(_ o: Int) -> UInt32 { UInt32(littleEndian: p.loadUnaligned(fromByteOffset: o, as: UInt32.self)) }
        func u64(_ o: Int) -> UInt64 { UInt64(littleEndian: p.loadUnaligned(fromByteOffset: o, as: UInt64.self)) }
        guard Array(p[0..<8]) == SegmentFormat.magic else { throw fail("not a Kura segment (bad magic)") }
        let version = u32(8)
        guard version == SegmentFormat.version else {
            throw fail("segment format version \(version) is not supported (this build reads version \(SegmentFormat.version))")
        }
        guard ck_crc32c(0, p.baseAddress, SegmentFormat.headerCRCOffset) == u32(SegmentFormat.headerCRCOffset) else {
            throw fail("header checksum mismatch")
        }
        guard let metric = Metric(code: u32(20)) else { throw fail("unknown metric code \(u32(20))") }
        guard let encoding = VectorEncoding(code: u32(24)) else { throw fail("unknown encoding code \(u32(24))") }
        let dimension = Int(u32(16))
        let params = HNSWParameters(m: Int(u32(28)), efConstruction: Int(u32(32)), efSearch: Int(u32(36)), seed: u64(40), encoding: encoding)
        do { try params.validate() } catch { throw fail("bad graph parameters: \(error)") }
        guard (1...65_536).contains(dimension) else { throw fail("bad dimension \(dimension)") }
        let rows = Int(truncatingIfNeeded: u64(48))
        guard rows >= 0 && rows < Int(UInt32.max) else { throw fail("bad row count \(u64(48))") }
        let entryRaw = u32(64)
        let entry: UInt32? = entryRaw == SegmentFormat.noEntry ? nil : entryRaw
        guard (entry == nil) == (rows == 0), entry.map({ Int($0) < rows }) ?? true else { throw fail("entry row \(entryRaw) out of range") }
        let topLevel = Int(u32(68))
        guard topLevel <= HNSWParameters.maxLevel else { throw fail("top level \(topLevel) out of range") }
        let count = Int(u32(72))
        guard count <= SegmentFormat.maxSections else { throw fail("\(count) sections, at most \(SegmentFormat.maxSections) allowed") }
        var sections: [Entry] = []
        for i in 0..<count {
            let o = 80 + 32 * i
            guard let kind = SegmentSection(rawValue: u32(o)) else { throw fail("unknown section kind \(u32(o))") }
            let offset = u64(o + 8), length = u64(o + 16)
            guard offset % 64 == 0, offset >= UInt64(SegmentFormat.headerSize), length <= UInt64(fileSize),
                offset <= UInt64(fileSize) - length
            else {
                throw fail("section \(kind) at \(offset)+\(length) lies outside the \(fileSize)-byte file (truncated?)")
            }
            sections.append(Entry(kind: kind, crc: u32(o + 4), offset: Int(offset), length: Int(length)))
        }
        let header = SegmentHeader(
            dimension: dimension, metric: metric, encoding: encoding, parameters: params, rows: rows,
            deleted: Int(truncatingIfNeeded: u64(56)), entry: entry, topLevel: topLevel, sections: sections)
        for (kind, bytes) in header.expectedLengths() {
            guard let s = header.section(kind) else { throw fail("missing section \(kind)") }
            guard bytes < 0 ? s.length % 4 == 0 : s.length == bytes else {
                throw fail("section \(kind) is \(s.length) bytes, expected \(bytes < 0 ? "a multiple of 4" : String(bytes))")
            }
        }
        return header
    }

    /// The length each required section must have; -1 where only a multiple of 4 is required.
    func expectedLengths() -> [(SegmentSection, Int)] {
        var out: [(SegmentSection, Int)] = [
            (.vectors, rows * rowStride(dimension: dimension, encoding: .f32)),
            (.level0, rows * (parameters.maxM0 + 1) * 4),
            (.levels, rows),
            (.upperOffsets, rows * 4),
            (.upperData, -1),
            (.ids, rows * 8),
            (.tombstones, (rows + 63) / 64 * 8),
        ]
        if encoding != .f32 { out.append((.traversal, rows * rowStride(dimension: dimension, encoding: encoding))) }
        if encoding == .int8 { out.append((.scales, rows * 4)) }
        return out
    }
}
