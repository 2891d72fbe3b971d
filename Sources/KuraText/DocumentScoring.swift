/// Lexical scores that speak for a chunk's document too. BM25 over one chunk misses a query whose words
/// its document spreads over several chunks (a man page's description here, its synopsis there), and ranks
/// a passage that names the query's words in passing as high as one from a document about them. So
/// where documents have several rows, a row holding a query term scores
///
///     (1 − w) · BM25(row) + w · BM25(its document),   w = ``documentWeight``,
///
/// the document's BM25 taken over its rows together: term frequencies and lengths summed, with document
/// statistics (their number, average length and document frequencies; deleted ones counted until
/// compaction, as for rows). Where every document is one row both scores are the same, and the search
/// takes the pruned row-level walk instead. This one reads every posting of the query's terms (at most
/// ``LexicalSearch/maxTerms``): document scores need every row's frequencies, whatever the rows' own bounds.
enum DocumentScoring {
    /// The document's share of a row's score. On the Japanese man pages of `kura bench quality` (800 pages
    /// of about 12 chunks) rows alone give MRR@10 0.595, documents alone 0.645, this mix 0.647.
    static let documentWeight = 0.8

    /// What one part's rows and documents gathered: rows' BM25 scores, and per query term its summed
    /// frequency in each document holding it.
    private struct Gathered {
        var rows: [UInt32: Double] = [:]
        var frequencies: [[UInt32: UInt32]]
    }

    /// The best `k` rows; `weights` and `norms` are the row-level ones ``LexicalSearch`` prepared.
    static func search(
        _ terms: [String], _ weights: [Float], _ norms: BM25.Norms, in parts: [LexicalPart], k: Int, bm25: BM25
    ) -> [LexicalHit] {
        let gathered = parts.map { gather(terms, weights, norms, $0.index) }
        let documents = parts.reduce(0) { $0 + $1.index.documentCount }
        let totalLength = parts.reduce(0) { $0 + $1.stats.totalLength }
        let documentWeights = terms.indices.map { i in
            bm25.idf(documents: documents, df: gathered.reduce(0) { $0 + $1.frequencies[i].count }) * (bm25.k1 + 1)
        }
        let documentNorms = bm25.norms(averageLength: documents > 0 ? Float(Double(totalLength) / Double(documents)) : 0)
        var top = TopK(k: k)
        for (index, (part, g)) in zip(parts, gathered).enumerated() {
            top.part = index
            var documentScores: [UInt32: Double] = [:]
            for (i, tfs) in g.frequencies.enumerated() {
                for (d, tf) in tfs {
                    documentScores[d, default: 0] += Double(
                        documentNorms.score(weight: documentWeights[i], tf: tf, length: part.index.documentLength(d)))
                }
            }
            for (row, score) in g.rows {
                guard let id = part.id(row) else { continue }
                let document = documentScores[part.index.document(ofRow: row)] ?? 0
                top.offer(id, Float((1 - documentWeight) * score + documentWeight * document), row: row)
            }
        }
        return top.sorted()
    }

    private static func gather(_ terms: [String], _ weights: [Float], _ norms: BM25.Norms, _ index: LexicalIndex) -> Gathered {
        var g = Gathered(frequencies: Array(repeating: [:], count: terms.count))
        for (i, t) in terms.enumerated() {
            index.forEachPosting(t) { row, tf in
                g.rows[row, default: 0] += Double(norms.score(weight: weights[i], tf: tf, length: index.length(row)))
                g.frequencies[i][index.document(ofRow: row), default: 0] &+= tf
            }
        }
        return g
    }
}
