/// The lexical index of a collection's growing part, in memory: postings per term in row order, with
/// term frequencies, and each row's length in terms. Rows are appended in order (the growing graph's
/// rows); deletions are the caller's tombstones. Not thread-safe: one writer, readers under the
/// caller's lock, or a frozen copy.
public struct InvertedIndex: Sendable {
    /// Postings of one term: rows ascending, and the term's frequency in each.
    public struct PostingList: Sendable {
        public var rows: [UInt32] = []
        public var frequencies: [UInt32] = []
    }

    public private(set) var terms: [String: Int] = [:]
    public private(set) var lists: [PostingList] = []
    public private(set) var lengths: [UInt32] = []
    public private(set) var totalLength = 0

    public init() {}

    public var documents: Int { lengths.count }

    /// Adds the next row, whose text gave `terms`; returns its row number.
    @discardableResult
    public mutating func add(_ terms: [String]) -> UInt32 {
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
        lengths.append(UInt32(clamping: terms.count))
        totalLength += terms.count
        return row
    }

    /// The rows of `parts`, in order, renumbered from 0 without those `keep` refuses: compaction's merge.
    /// Postings stay in row order because each part's rows come after the previous part's.
    public init(merging parts: [(index: LexicalIndex, keep: (UInt32) -> Bool)]) {
        self.init()
        for (index, keep) in parts {
            var renumbered = [UInt32](repeating: .max, count: index.rows)
            for r in 0..<UInt32(index.rows) where keep(r) {
                renumbered[Int(r)] = UInt32(lengths.count)
                let length = index.length(r)
                lengths.append(length)
                totalLength += Int(length)
            }
            index.forEachTerm { term, rows, frequencies in
                var id = terms[term] ?? -1
                for (r, tf) in zip(rows, frequencies) where Int(r) < renumbered.count && renumbered[Int(r)] != .max {
                    if id < 0 {
                        id = lists.count
                        terms[term] = id
                        lists.append(PostingList())
                    }
                    lists[id].rows.append(renumbered[Int(r)])
                    lists[id].frequencies.append(tf)
                }
            }
        }
    }

    public func postings(_ term: String) -> PostingList? { terms[term].map { lists[$0] } }

    public var stats: LexicalStats { LexicalStats(documents: documents, totalLength: totalLength) }
}
