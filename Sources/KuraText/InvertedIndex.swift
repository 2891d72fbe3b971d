/// The lexical index of a collection's growing part, in memory: postings per term in row order, with
/// term frequencies, each row's length in terms, and the document each row (a chunk) belongs to. Rows
/// are appended in order (the growing graph's rows); deletions are the caller's tombstones. Not thread-safe: one writer, readers under the
/// caller's lock, or a frozen copy.
public struct InvertedIndex: Sendable {
    /// Postings of one term: rows ascending, and the term's frequency in each.
    public struct PostingList: Sendable {
        /// Rows holding the term, ascending.
        public var rows: [UInt32] = []
        /// The term's count in each of those rows.
        public var frequencies: [UInt32] = []
    }

    /// Each term's index in `lists`.
    public private(set) var terms: [String: Int] = [:]
    /// Postings, by the index `terms` gives.
    public private(set) var lists: [PostingList] = []
    /// Each row's length in terms.
    public private(set) var lengths: [UInt32] = []
    /// The rows' lengths, summed.
    public private(set) var totalLength = 0
    /// The documents rows belong to: each row's document ordinal, and by ordinal the document's catalog
    /// id and length (its rows' lengths summed).
    public private(set) var rowDocuments: [UInt32] = []
    /// Each document ordinal's catalog id.
    public private(set) var documentIDs: [Int64] = []
    /// Each document ordinal's length: its rows' lengths, summed.
    public private(set) var documentLengths: [UInt32] = []
    private var ordinals: [Int64: UInt32] = [:]

    /// An empty index.
    public init() {}

    /// Rows held, deleted ones included.
    public var rows: Int { lengths.count }

    /// Adds the next row, whose text gave `terms`, a chunk of the document with catalog id `document`;
    /// returns its row number.
    @discardableResult
    public mutating func add(_ terms: [String], document: Int64) -> UInt32 {
        let row = UInt32(lengths.count)
        var counts: [String: UInt32] = [:]
        for t in terms { counts[t, default: 0] += 1 }
        for (term, tf) in counts {
            let id: Int
            if let existing = self.terms[term] {
                id = existing
            } else {
                id = lists.count
                self.terms[term] = id
                lists.append(PostingList())
            }
            lists[id].rows.append(row)
            lists[id].frequencies.append(tf)
        }
        append(length: UInt32(clamping: terms.count), document: document)
        return row
    }

    private mutating func append(length: UInt32, document: Int64) {
        lengths.append(length)
        totalLength += Int(length)
        let ordinal: UInt32
        if let known = ordinals[document] {
            ordinal = known
        } else {
            ordinal = UInt32(documentIDs.count)
            ordinals[document] = ordinal
            documentIDs.append(document)
            documentLengths.append(0)
        }
        rowDocuments.append(ordinal)
        documentLengths[Int(ordinal)] = documentLengths[Int(ordinal)] &+ length
    }

    /// The rows of `parts`, in order, renumbered from 0 without those `keep` refuses: the oracle of
    /// ``PostingsWriter/write(merging:)``, which writes the same section without holding every posting.
    /// Postings stay in row order because each part's rows come after the previous part's. Rows of one
    /// document in several parts join one document; a row of a part without documents is one of its own.
    public init(merging parts: [(index: LexicalIndex, keep: (UInt32) -> Bool)]) {
        let renumbered: [[UInt32]]
        (self, renumbered) = Self.mergingRows(of: parts)
        for ((index, _), map) in zip(parts, renumbered) {
            index.forEachTerm { term, rows, frequencies in
                var id = terms[term] ?? -1
                for (r, tf) in zip(rows, frequencies) where Int(r) < map.count && map[Int(r)] != .max {
                    if id < 0 {
                        id = lists.count
                        terms[term] = id
                        lists.append(PostingList())
                    }
                    lists[id].rows.append(map[Int(r)])
                    lists[id].frequencies.append(tf)
                }
            }
        }
    }

    /// The rows, lengths and documents of a merge of `parts`, without postings, and each part's map
    /// from its rows to the merged ones (`.max` for a row left out).
    static func mergingRows(of parts: [(index: LexicalIndex, keep: (UInt32) -> Bool)]) -> (InvertedIndex, [[UInt32]]) {
        var merged = InvertedIndex()
        let maps = parts.map { index, keep in
            var map = [UInt32](repeating: .max, count: index.rows)
            for r in 0..<UInt32(index.rows) where keep(r) {
                map[Int(r)] = UInt32(merged.lengths.count)
                merged.append(length: index.length(r), document: index.documentID(ofRow: r) ?? Int64.min + Int64(merged.lengths.count))
            }
            return map
        }
        return (merged, maps)
    }

    /// The postings of `term`; nil when no row holds it.
    public func postings(_ term: String) -> PostingList? { terms[term].map { lists[$0] } }

    /// Rows held and their total length.
    public var stats: LexicalStats { LexicalStats(documents: rows, totalLength: totalLength) }
}
