import KuraCore

/// A postings section read in place (see ``PostingsFormat``). The bytes belong to the caller (a mapped
/// segment), which keeps them alive while this is used.
public struct PostingsSection: @unchecked Sendable {
    let p: UnsafeRawBufferPointer
    /// Rows the section indexes.
    public let rows: Int
    /// Terms in the dictionary.
    public let termCount: Int
    /// The rows' lengths, summed.
    public let totalLength: Int
    let termTable: Int
    let termBytes: Int
    let postings: Int
    let lengths: Int
    /// Documents in the document table; 0 in a version 1 section, whose rows each count as one.
    let documents: Int
    let rowDocuments: Int
    let documentTable: Int
    /// The dictionary's sample, which narrows each lookup to a few entries.
    private let sample = TermSample()

    /// A term's entry: where its postings are and how many rows hold it.
    public struct Term: Sendable {
        /// Rows holding the term.
        public let df: Int
        let blocks: Int
        let start: Int
    }

    /// Checks the header and that every table lies inside `bytes`.
    /// - Throws: `KuraError.corruptFile` naming what is wrong.
    public init(_ bytes: UnsafeRawBufferPointer, path: String = "postings") throws {
        func bad(_ why: String) -> KuraError { .corruptFile(path: path, reason: "postings section: \(why)") }
        guard bytes.count >= PostingsFormat.headerSize(version: 1) else { throw bad("\(bytes.count) bytes, shorter than its header") }
        p = bytes
        guard Self.u32(bytes, 0) == PostingsFormat.magic else { throw bad("bad magic") }
        let version = Self.u32(bytes, 4)
        guard version == 1 || version == PostingsFormat.version else { throw bad("version \(version) is neither 1 nor \(PostingsFormat.version)") }
        let headerSize = PostingsFormat.headerSize(version: version)
        guard bytes.count >= headerSize else { throw bad("\(bytes.count) bytes, shorter than its header") }
        guard Self.u32(bytes, 24) == UInt32(PostingsFormat.blockSize) else { throw bad("block size \(Self.u32(bytes, 24))") }
        rows = Int(Self.u32(bytes, 8))
        termCount = Int(Self.u32(bytes, 12))
        totalLength = Int(clamping: Self.u64(bytes, 16))
        documents = version == 1 ? 0 : Int(Self.u32(bytes, 28))
        let offsets = stride(from: 32, to: headerSize, by: 8).map { Int(clamping: Self.u64(bytes, $0)) }
        (termTable, termBytes, postings, lengths) = (offsets[0], offsets[1], offsets[2], offsets[3])
        // A version 1 section ends with its lengths.
        (rowDocuments, documentTable) = version == 1 ? (bytes.count, bytes.count) : (offsets[4], offsets[5])
        guard termTable == headerSize, termTable + termCount * PostingsFormat.termEntrySize <= termBytes, termBytes <= postings,
            postings <= lengths, lengths <= rowDocuments, rowDocuments - lengths >= rows * 4, rowDocuments <= documentTable,
            documentTable <= bytes.count, bytes.count - documentTable >= documents * PostingsFormat.documentEntrySize
        else { throw bad("tables out of bounds") }
        guard version == 1 || (documentTable - rowDocuments >= rows * 4 && (rows == 0) == (documents == 0) && documents <= rows) else {
            throw bad("document tables out of bounds")
        }
    }

    @inline(__always) static func u32(_ p: UnsafeRawBufferPointer, _ at: Int) -> UInt32 {
        UInt32(littleEndian: p.loadUnaligned(fromByteOffset: at, as: UInt32.self))
    }
    @inline(__always) static func u64(_ p: UnsafeRawBufferPointer, _ at: Int) -> UInt64 {
        UInt64(littleEndian: p.loadUnaligned(fromByteOffset: at, as: UInt64.self))
    }

    /// Row `row`'s length in terms (0 past the end).
    @inline(__always)
    public func length(_ row: UInt32) -> UInt32 { Int(row) < rows ? Self.u32(p, lengths + 4 * Int(row)) : 0 }

    /// Whether rows carry their documents (a version 2 section).
    public var hasDocuments: Bool { documents > 0 || rows == 0 }

    /// Documents, by ordinal; a version 1 section's rows each count as one.
    public var documentCount: Int { hasDocuments ? documents : rows }

    /// The ordinal of the document `row` is a chunk of (the row itself in a version 1 section); always
    /// below ``documentCount`` for a row below ``rows``, even when the table is damaged.
    @inline(__always)
    public func document(ofRow row: UInt32) -> UInt32 {
        guard documents > 0, Int(row) < rows else { return row }
        return min(Self.u32(p, rowDocuments + 4 * Int(row)), UInt32(documents - 1))
    }

    /// Document `ordinal`'s length in terms (its row's in a version 1 section).
    @inline(__always)
    public func documentLength(_ ordinal: UInt32) -> UInt32 {
        guard documents > 0 else { return length(ordinal) }
        return Int(ordinal) < documents ? Self.u32(p, documentTable + PostingsFormat.documentEntrySize * Int(ordinal) + 8) : 0
    }

    /// Document `ordinal`'s catalog id; nil in a version 1 section or past the table.
    public func documentID(_ ordinal: UInt32) -> Int64? {
        guard Int(ordinal) < documents else { return nil }
        return Int64(bitPattern: Self.u64(p, documentTable + PostingsFormat.documentEntrySize * Int(ordinal)))
    }

    /// The term's entry, found by binary search between two of the sample's terms; nil when no row holds
    /// it or the entry is damaged.
    public func term(_ term: String) -> Term? {
        var key = term
        let section = self
        return key.withUTF8 { key -> Term? in
            let range = sample.range(of: UnsafeRawBufferPointer(key), count: termCount) { i in
                section.term(at: i).map { TermSample.prefix($0.bytes) } ?? 0
            }
            var lo = range.lowerBound, hi = range.upperBound
            while lo < hi {
                let mid = (lo + hi) / 2
                let order = compare(entry: mid, key)
                if order == 0 { return entry(mid) }
                if order < 0 { lo = mid + 1 } else { hi = mid }
            }
            return nil
        }
    }

    /// Term `i` of the dictionary (in byte order): its UTF-8 bytes and entry; nil when damaged.
    func term(at i: Int) -> (bytes: UnsafeRawBufferPointer, entry: Term)? {
        let e = termTable + i * PostingsFormat.termEntrySize
        let (at, n) = (termBytes + Int(Self.u32(p, e)), Int(Self.u32(p, e + 4)))
        guard at + n <= postings, let t = entry(i) else { return nil }
        return (UnsafeRawBufferPointer(rebasing: p[at..<(at + n)]), t)
    }

    /// Every term with its entry, in byte order (for the in-memory merge, the streaming merge's oracle).
    public func allTerms() -> [(String, Term)] {
        (0..<termCount).compactMap { i in term(at: i).map { (String(decoding: $0.bytes, as: UTF8.self), $0.entry) } }
    }

    /// Decodes everything and checks what opening does not: terms in strictly ascending byte order, each
    /// entry sound, rows strictly ascending and below `rows`, as many as the entry's df, frequencies of at
    /// least 1, and row lengths that add up to the total. One line per problem, at most `limit`.
    public func check(limit: Int = 10) -> [String] {
        var problems: [String] = []
        var previous: [UInt8]? = nil
        var named = 0
        for i in 0..<termCount where problems.count < limit {
            let e = termTable + i * PostingsFormat.termEntrySize
            let (at, n) = (termBytes + Int(Self.u32(p, e)), Int(Self.u32(p, e + 4)))
            guard at + n <= postings, let t = entry(i) else {
                problems.append("term \(i): entry out of bounds")
                continue
            }
            let bytes = Array(p[at..<(at + n)])
            if let previous, !previous.lexicographicallyPrecedes(bytes) { problems.append("term \(i) is out of order") }
            previous = bytes
            named += 1
            let (rows, tfs) = decodeAll(t)
            let ascending = zip(rows, rows.dropFirst()).allSatisfy { $0 < $1 }
            if rows.count != t.df || !ascending || (rows.last.map { Int($0) >= self.rows } ?? false) || tfs.contains(0) {
                problems.append("term '\(String(decoding: bytes, as: UTF8.self))': \(rows.count) rows decoded for df \(t.df), or rows out of order or range")
            }
        }
        let sum = (0..<UInt32(rows)).reduce(0) { $0 + Int(length($1)) }
        if sum != totalLength && problems.count < limit { problems.append("row lengths add up to \(sum), the header says \(totalLength)") }
        if documents > 0 && problems.count < limit { problems += checkDocuments().prefix(limit - problems.count) }
        return problems
    }

    /// Every row names a document in the table, every document has a row, and each document's length is
    /// its rows' lengths summed.
    private func checkDocuments() -> [String] {
        var sums = [UInt64](repeating: 0, count: documents)
        var rowsOf = [Int](repeating: 0, count: documents)
        for row in 0..<rows {
            let d = Int(Self.u32(p, rowDocuments + 4 * row))
            guard d < documents else { return ["row \(row) names document \(d) of \(documents)"] }
            sums[d] += UInt64(length(UInt32(row)))
            rowsOf[d] += 1
        }
        if let d = rowsOf.firstIndex(of: 0) { return ["document \(d) has no rows"] }
        if let d = (0..<documents).first(where: { UInt64(documentLength(UInt32($0))) != min(sums[$0], UInt64(UInt32.max)) }) {
            return ["document \(d) has length \(documentLength(UInt32(d))), its rows add up to \(sums[d])"]
        }
        return []
    }

    private func compare(entry i: Int, _ key: UnsafeBufferPointer<UInt8>) -> Int {
        let e = termTable + i * PostingsFormat.termEntrySize
        let at = termBytes + Int(Self.u32(p, e)), n = Int(Self.u32(p, e + 4))
        guard at + n <= postings else { return 1 }
        for j in 0..<min(n, key.count) where p[at + j] != key[j] { return p[at + j] < key[j] ? -1 : 1 }
        return n == key.count ? 0 : (n < key.count ? -1 : 1)
    }

    private func entry(_ i: Int) -> Term? {
        let e = termTable + i * PostingsFormat.termEntrySize
        let df = Int(Self.u32(p, e + 8)), blocks = Int(Self.u32(p, e + 12))
        let start = postings + Int(clamping: Self.u64(p, e + 16))
        guard df > 0, blocks == (df + PostingsFormat.blockSize - 1) / PostingsFormat.blockSize, start >= postings,
            start + blocks * PostingsFormat.blockEntrySize <= lengths
        else { return nil }
        return Term(df: df, blocks: blocks, start: start)
    }

    /// A cursor over the term's rows.
    public func cursor(_ term: Term) -> PostingsCursor { PostingsCursor(section: self, term: term) }

    /// Every row of the term with its frequency (for merging and for the exhaustive oracle).
    public func decodeAll(_ term: Term) -> (rows: [UInt32], frequencies: [UInt32]) {
        let c = cursor(term)
        var rows: [UInt32] = [], tfs: [UInt32] = []
        while c.row != PostingsCursor.end {
            rows.append(c.row)
            tfs.append(c.frequency)
            c.next()
        }
        return (rows, tfs)
    }
}
