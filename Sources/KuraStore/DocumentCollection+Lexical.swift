import Foundation
import GRDB
import KuraCore
import KuraIndex
import KuraText

extension DocumentCollection {
    /// BM25 (k1 1.2, b 0.75) over the collection's own lexical index, best first: the query goes through
    /// the collection's analyzer, keeps its `LexicalSearch.maxTerms` rarest terms, and is scored over every
    /// segment's postings and the in-memory graphs' indexes. Statistics (row count, average length,
    /// document frequencies) are this collection's, deleted rows included until compaction drops them, as
    /// in Lucene. Where documents have several chunks a chunk scores with its document (see
    /// `DocumentScoring`); `withDocuments` false scores chunks alone. `filter` applies during the walk.
    /// The score is BM25's; `distance` is its negation.
    /// - Throws: what reading the catalog throws (the filter's chunk ids, a first recovery).
    public func lexicalSearch(_ query: String, k: Int, filter: MetadataFilter? = nil, withDocuments: Bool = true) throws -> [Hit] {
        try lexicalSearch(query, k: k, allowed: filter.map { try chunkIDs(matching: $0) }, withDocuments: withDocuments)
    }

    /// The same with the filter's chunks given (nil: every chunk), for callers that search several ways,
    /// keeping at most `maxTerms` of the query's rarest terms.
    public func lexicalSearch(
        _ query: String, k: Int, allowed: Set<Int64>?, withDocuments: Bool = true, maxTerms: Int = LexicalSearch.maxTerms
    ) throws -> [Hit] {
        if !recovered.load(ordering: .acquiring) { try indexer.sync { try ensureRecovered() } }
        let terms = analyzer.terms(query)
        guard !terms.isEmpty, k > 0 else { return [] }
        let (parts, segments) = lexicalParts(snapshot, allowed: allowed)
        return LexicalSearch.search(terms, in: parts, k: k, maxTerms: maxTerms, withDocuments: withDocuments).map {
            Hit(
                chunkID: $0.id, distance: -$0.score, score: $0.score,
                location: $0.part < segments.count ? SegmentRow(segment: segments[$0.part], row: $0.row) : nil)
        }
    }

    /// The snapshot's lexical parts: each segment's (without its tombstoned rows) and each in-memory
    /// graph's (without its deleted rows); with `allowed`, only those chunks. The segments' parts come
    /// first, and `segments` holds their catalog ids in the same order.
    func lexicalParts(_ snap: Snapshot, allowed: Set<Int64>?) -> (parts: [LexicalPart], segments: [Int64]) {
        var parts: [LexicalPart] = []
        var segments: [Int64] = []
        for live in snap.segments {
            guard let text = live.text, live.liveRows > 0 else { continue }
            let segment = live.segment, tombstones = live.tombstones
            segments.append(live.id)
            parts.append(
                LexicalPart(text) { row in
                    guard !tombstones.contains(Int(row)) else { return nil }
                    let id = Int64(segment.id(ofRow: row))
                    return allowed.map { $0.contains(id) } ?? true ? id : nil
                })
        }
        for memory in snap.memoryParts where memory.text.rows > 0 {
            let graph = memory.graph
            parts.append(
                LexicalPart(memory: memory.text) { row in
                    guard !graph.isDeleted(row: row) else { return nil }
                    let id = Int64(graph.id(ofRow: row))
                    return allowed.map { $0.contains(id) } ?? true ? id : nil
                })
        }
        return (parts, segments)
    }

    /// The terms of each text, analysed on every core for large batches.
    func analyze(_ texts: [String]) -> [[String]] {
        guard texts.count >= 64 else { return texts.map(analyzer.terms) }
        let threads = ProcessInfo.processInfo.activeProcessorCount
        // Each thread writes its own slice.
        nonisolated(unsafe) let out = UnsafeMutableBufferPointer<[String]>.allocate(capacity: texts.count)
        out.initialize(repeating: [])
        defer { out.deallocate() }
        let step = (texts.count + threads - 1) / threads
        DispatchQueue.concurrentPerform(iterations: threads) { t in
            for i in (t * step)..<min(texts.count, (t + 1) * step) { out[i] = analyzer.terms(texts[i]) }
        }
        return Array(out)
    }

    /// Gives each segment written before segments had postings (or before postings named their rows'
    /// documents) an in-memory lexical index, built from its chunks' text; rows no chunk claims are
    /// deleted rows, empty and each their own document. Compaction then writes them to disk. Runs on
    /// `indexer`.
    func buildMissingPostings() throws {
        for live in snapshot.segments where live.text == nil {
            let rows = try store.db.read { db in
                try Row.fetchAll(
                    db, sql: "SELECT segment_row, text, document_id FROM chunk WHERE segment_id = ? ORDER BY segment_row", arguments: [live.id])
            }
            var texts = [String](repeating: "", count: live.segment.count)
            var documents = (0..<Int64(live.segment.count)).map { -1 - $0 }
            for r in rows {
                let row: Int = r[0]
                if row >= 0 && row < texts.count { (texts[row], documents[row]) = (r[1], r[2]) }
            }
            var index = InvertedIndex()
            for (terms, document) in zip(analyze(texts), documents) { index.add(terms, document: document) }
            state.update { snap in
                if let i = snap.segments.firstIndex(where: { $0.id == live.id }) { snap.segments[i] = snap.segments[i].with(text: .memory(index)) }
            }
        }
    }
}
