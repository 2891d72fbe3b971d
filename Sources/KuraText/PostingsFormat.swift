/// The postings section of a segment: the lexical index of its rows, searched in place through the
/// segment's mapping. The segment's section table gives its offset, length and CRC-32C.
///
/// All integers are little-endian; offsets are relative to the start of the section.
///
/// Header, 80 bytes (64 in version 1, which ends before the row documents offset):
///
/// | at | size | field |
/// |---|---|---|
/// | 0 | 4 | magic `KPST` |
/// | 4 | 4 | format version, currently 2 |
/// | 8 | 4 | rows |
/// | 12 | 4 | terms |
/// | 16 | 8 | total length (terms over all rows) |
/// | 24 | 4 | block size (rows per block, 128) |
/// | 28 | 4 | documents (version 1: reserved, 0) |
/// | 32 | 8 | term table offset |
/// | 40 | 8 | term bytes offset |
/// | 48 | 8 | postings offset |
/// | 56 | 8 | lengths offset |
/// | 64 | 8 | row documents offset |
/// | 72 | 8 | document table offset |
///
/// Term table: one 24-byte entry per term, sorted by the term's UTF-8 bytes: bytes offset u32 (into the
/// term bytes), byte length u32, document frequency u32, block count u32, postings offset u64 (into the
/// postings).
///
/// Postings of a term: its block table, one 16-byte entry per block (last row u32, data offset u32 from
/// the start of the term's postings, largest term frequency u32, smallest row length u32), then the
/// blocks. A block holds up to 128 rows: its impacts (a count, then frequency and length pairs: the rows
/// no other row of the block beats on both, at most 8), their gaps (the first from the previous block's
/// last row plus one, or from 0), then their term frequencies, each an unsigned LEB128 varint. The best
/// BM25 score over the impacts bounds every row of the block, whatever the collection's average length,
/// which the search uses to skip it; the largest frequency with the smallest length is a looser bound.
///
/// Lengths: one u32 per row, its number of terms.
///
/// Row documents (version 2): one u32 per row, the ordinal of the document it is a chunk of. Document
/// table (version 2, 8-byte aligned): one 16-byte entry per document ordinal: its catalog id i64, its
/// length u32 (its rows' lengths summed, so the entries add up to the total length), reserved u32 0.
/// Document-level BM25 reads them; a version 1 section has neither, and each of its rows counts as a
/// document until compaction rewrites it.
///
/// A reader checks every offset and count against the section's bounds before it reads, so a damaged
/// section gives an error or no match, never a read out of range.
public enum PostingsFormat {
    /// The section's first four bytes.
    public static let magic: UInt32 = 0x5453_504B  // "KPST"
    /// The version written; versions 1 and 2 are read.
    public static let version: UInt32 = 2
    /// The header's size in `version`.
    static func headerSize(version: UInt32) -> Int { version == 1 ? 64 : 80 }
    /// The header's size in the version written.
    public static let headerSize = headerSize(version: version)
    static let documentEntrySize = 16
    /// Postings per compressed block.
    public static let blockSize = 128
    static let termEntrySize = 24
    static let blockEntrySize = 16
    static let maxImpacts = 8
}

/// Unsigned LEB128, as the blocks store gaps and frequencies.
enum VarInt {
    static func append(_ value: UInt32, to out: inout [UInt8]) {
        var v = value
        while v >= 0x80 {
            out.append(UInt8(v & 0x7F) | 0x80)
            v >>= 7
        }
        out.append(UInt8(v))
    }

    /// Reads `count` values at `at` into `out`, advancing `at`; false past `end` or on a value of more
    /// than 5 bytes. Eight values of one byte each (most frequencies, and the gaps of common terms) are
    /// taken from one 8-byte load at a time.
    @inline(__always)
    static func read(_ p: UnsafeRawBufferPointer, _ at: inout Int, _ end: Int, count: Int, into out: UnsafeMutablePointer<UInt32>) -> Bool {
        var i = 0
        while i < count {
            if i + 8 <= count, at + 8 <= end {
                let word = UInt64(littleEndian: p.loadUnaligned(fromByteOffset: at, as: UInt64.self))
                if word & 0x8080_8080_8080_8080 == 0 {
                    for j in 0..<8 { out[i + j] = UInt32(truncatingIfNeeded: word >> UInt64(8 * j)) & 0xFF }
                    i += 8
                    at += 8
                    continue
                }
            }
            guard let value = read(p, &at, end) else { return false }
            out[i] = value
            i += 1
        }
        return true
    }

    /// Reads one value at `at`, advancing it; nil past `end` or on more than 5 bytes.
    @inline(__always)
    static func read(_ p: UnsafeRawBufferPointer, _ at: inout Int, _ end: Int) -> UInt32? {
        var value: UInt32 = 0
        var shift: UInt32 = 0
        while at < end, shift < 35 {
            let byte = p[at]
            at += 1
            value |= UInt32(byte & 0x7F) << shift
            if byte < 0x80 { return value }
            shift += 7
        }
        return nil
    }
}
