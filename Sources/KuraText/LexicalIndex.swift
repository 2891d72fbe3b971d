/// The lexical index of some rows: a segment's postings section, mapped, or an index in memory.
public enum LexicalIndex: Sendable {
    case section(PostingsSection)
    case memory(InvertedIndex)

    /// Rows covered, deleted ones included.
    public var rows: Int {
        switch self {
        case .section(let s): s.rows
        case .memory(let m): m.rows
        }
    }

    /// A row's length in terms.
    public func length(_ row: UInt32) -> UInt32 {
        switch self {
        case .section(let s): s.length(row)
        case .memory(let m): Int(row) < m.lengths.count ? m.lengths[Int(row)] : 0
        }
    }

    /// Documents, by ordinal (a version 1 section's rows each count as one).
    public var documentCount: Int {
        switch self {
        case .section(let s): s.documentCount
        case .memory(let m): m.documentIDs.count
        }
    }

    /// Whether rows carry their documents (all but a version 1 section).
    public var hasDocuments: Bool {
        if case .section(let s) = self { return s.hasDocuments }
        return true
    }

    /// Whether some document has several rows, so that document scores differ from row scores.
    var groupsRows: Bool { documentCount < rows }

    /// The ordinal of `row`'s document, below ``documentCount``.
    @inline(__always)
    func document(ofRow row: UInt32) -> UInt32 {
        switch self {
        case .section(let s): s.document(ofRow: row)
        case .memory(let m): m.rowDocuments[Int(row)]
        }
    }

    /// A document's length in terms, by ordinal.
    @inline(__always)
    func documentLength(_ ordinal: UInt32) -> UInt32 {
        switch self {
        case .section(let s): s.documentLength(ordinal)
        case .memory(let m): m.documentLengths[Int(ordinal)]
        }
    }

    /// Whether `row` is the only row of its document here (a document's other rows, if any, lie in other
    /// parts, or hold no term).
    public func isOnlyRowOfItsDocument(_ row: UInt32) -> Bool {
        Int(row) < rows && documentLength(document(ofRow: row)) == length(row)
    }

    /// The catalog id of `row`'s document; nil in a version 1 section.
    public func documentID(ofRow row: UInt32) -> Int64? {
        switch self {
        case .section(let s): s.documentID(s.document(ofRow: row))
        case .memory(let m): Int(row) < m.rows ? m.documentIDs[Int(m.rowDocuments[Int(row)])] : nil
        }
    }

    /// Calls `body` with each row holding `term` and the term's frequency there, in row order.
    func forEachPosting(_ term: String, _ body: (UInt32, UInt32) -> Void) {
        switch self {
        case .section(let s):
            guard let entry = s.term(term) else { return }
            let c = s.cursor(entry)
            while c.row != PostingsCursor.end {
                body(c.row, c.frequency)
                c.next()
            }
        case .memory(let m):
            guard let list = m.postings(term) else { return }
            for (r, tf) in zip(list.rows, list.frequencies) { body(r, tf) }
        }
    }

    var stats: LexicalStats {
        switch self {
        case .section(let s): LexicalStats(documents: s.rows, totalLength: s.totalLength)
        case .memory(let m): m.stats
        }
    }

    func df(_ term: String) -> Int {
        switch self {
        case .section(let s): s.term(term)?.df ?? 0
        case .memory(let m): m.postings(term)?.rows.count ?? 0
        }
    }

    /// Calls `body` with every term and its postings, in no particular order.
    public func forEachTerm(_ body: (String, _ rows: [UInt32], _ frequencies: [UInt32]) -> Void) {
        switch self {
        case .section(let s):
            for (term, entry) in s.allTerms() {
                let (rows, tfs) = s.decodeAll(entry)
                body(term, rows, tfs)
            }
        case .memory(let m):
            for (term, i) in m.terms { body(term, m.lists[i].rows, m.lists[i].frequencies) }
        }
    }
}
