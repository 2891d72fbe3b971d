/// BM25 top-k over the parts of a collection's index. Where documents have several rows, a row's score
/// takes its document's into account (``DocumentScoring``). Where each document is one row, segments are
/// walked with block-max MaxScore: query terms whose bounds together cannot lift a row into the top k
/// are only looked up for rows the others found, and a row whose blocks' bounds fall short is skipped
/// unscored. Nothing that could rank is skipped, so the answer is exactly
/// ``exhaustive(_:in:k:bm25:maxTerms:)``'s: best score first, ties by smaller id.
public enum LexicalSearch {
    /// Query terms kept at most: a pasted passage keeps its rarest.
    public static let maxTerms = 16

    /// The query's distinct terms that some row holds, at most `limit` of the rarest, in query order.
    public static func selectTerms(_ terms: [String], in parts: [LexicalPart], limit: Int = maxTerms) -> [(term: String, df: Int)] {
        lookUp(terms, in: parts, limit: limit).selected
    }

    /// ``selectTerms(_:in:limit:)`` with each section part's dictionary entry for each selected term
    /// (nil for a part in memory), so that a term is looked up once per query.
    static func lookUp(
        _ terms: [String], in parts: [LexicalPart], limit: Int
    ) -> (selected: [(term: String, df: Int)], entries: [[PostingsSection.Term?]?]) {
        var seen = Set<String>()
        let distinct = terms.filter { seen.insert($0).inserted }
        let found = parts.map { part -> [PostingsSection.Term?]? in
            guard case .section(let s) = part.index else { return nil }
            return distinct.map { s.term($0) }
        }
        let counted = distinct.indices.map { i in
            (i, parts.indices.reduce(0) { sum, p in sum + (found[p].map { $0[i]?.df ?? 0 } ?? parts[p].df(distinct[i])) })
        }
        let kept = counted.filter { $0.1 > 0 }.sorted { ($0.1, $0.0) < ($1.1, $1.0) }.prefix(limit).sorted { $0.0 < $1.0 }
        return (kept.map { (distinct[$0.0], $0.1) }, found.map { entries in entries.map { e in kept.map { e[$0.0] } } })
    }

    /// The best `k` rows for the query's terms (at most `maxTerms` of its rarest); `withDocuments` false
    /// scores rows alone.
    public static func search(
        _ terms: [String], in parts: [LexicalPart], k: Int, bm25: BM25 = BM25(), maxTerms: Int = maxTerms, withDocuments: Bool = true
    ) -> [LexicalHit] {
        guard k > 0, let q = prepare(terms, parts, bm25, maxTerms) else { return [] }
        if withDocuments && parts.contains(where: { $0.index.groupsRows }) {
            return DocumentScoring.search(q.terms, q.weights, q.norms, in: parts, k: k, bm25: bm25)
        }
        var top = TopK(k: k)
        for (i, part) in parts.enumerated() {
            top.part = i
            switch part.index {
            case .memory(let m): scoreAll(m, q.terms, q.weights, q.norms, part.id, &top)
            case .section(let s): MaxScore.run(s, q.entries[i] ?? [], q.weights, q.norms, part.id, &top)
            }
        }
        return top.sorted()
    }

    /// The oracle of the pruned walk (documents of one row each): every row that holds a query term scored
    /// in full.
    public static func exhaustive(_ terms: [String], in parts: [LexicalPart], k: Int, bm25: BM25 = BM25(), maxTerms: Int = maxTerms) -> [LexicalHit] {
        guard k > 0, let q = prepare(terms, parts, bm25, maxTerms) else { return [] }
        var top = TopK(k: k)
        for (i, part) in parts.enumerated() {
            top.part = i
            switch part.index {
            case .memory(let m): scoreAll(m, q.terms, q.weights, q.norms, part.id, &top)
            case .section(let s):
                var scores: [UInt32: Double] = [:]
                for (t, w) in zip(q.terms, q.weights) {
                    guard let entry = s.term(t) else { continue }
                    let (rows, tfs) = s.decodeAll(entry)
                    for (r, tf) in zip(rows, tfs) { scores[r, default: 0] += Double(q.norms.score(weight: w, tf: tf, length: s.length(r))) }
                }
                for (r, score) in scores { if let id = part.id(r) { top.offer(id, Float(score), row: r) } }
            }
        }
        return top.sorted()
    }

    /// The selected terms with their weights (idf · (k1 + 1)), the length norms, over every part's
    /// statistics, and each section part's entries for the terms.
    private static func prepare(
        _ terms: [String], _ parts: [LexicalPart], _ bm25: BM25, _ maxTerms: Int
    ) -> (terms: [String], weights: [Float], norms: BM25.Norms, entries: [[PostingsSection.Term?]?])? {
        let (selected, entries) = lookUp(terms, in: parts, limit: maxTerms)
        guard !selected.isEmpty else { return nil }
        let stats = parts.reduce(LexicalStats()) {
            LexicalStats(documents: $0.documents + $1.stats.documents, totalLength: $0.totalLength + $1.stats.totalLength)
        }
        let weights = selected.map { bm25.idf(documents: stats.documents, df: $0.df) * (bm25.k1 + 1) }
        return (selected.map(\.term), weights, bm25.norms(averageLength: stats.averageLength), entries)
    }

    /// The growing part: small enough to score every posting of the query's terms.
    static func scoreAll(_ m: InvertedIndex, _ terms: [String], _ weights: [Float], _ norms: BM25.Norms, _ id: (UInt32) -> Int64?, _ top: inout TopK) {
        var scores: [UInt32: Double] = [:]
        for (t, w) in zip(terms, weights) {
            guard let list = m.postings(t) else { continue }
            for (r, tf) in zip(list.rows, list.frequencies) { scores[r, default: 0] += Double(norms.score(weight: w, tf: tf, length: m.lengths[Int(r)])) }
        }
        for (r, score) in scores { if let i = id(r) { top.offer(i, Float(score), row: r) } }
    }
}
