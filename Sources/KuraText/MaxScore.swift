/// Block-max MaxScore over one postings section (Turtle and Flood's MaxScore, with Lucene's per-block
/// bounds). Terms are ordered by their bound; the weakest ones, whose bounds summed cannot beat the k-th
/// best score, are "non-essential": rows come only from the others, and the weak terms are looked up
/// for a row only while it could still rank. A row whose current blocks' bounds fall short is skipped
/// without decoding its frequencies' effect. Skips are strict (a bound equal to the threshold is still
/// scored, since it may win the tie) and bounds carry a relative margin, so float rounding never drops a
/// row the exhaustive search would keep. Final scores add the terms in query order, as the oracle does.
enum MaxScore {
    private struct Term {
        var query: Int
        var cursor: PostingsCursor
        var weight: Float
        var bound: Float
    }

    /// Bounds are raised by this share so that rounding never makes one fall below a real score.
    static let margin: Float = 1e-5

    static func run(
        _ section: PostingsSection, _ terms: [String], _ weights: [Float], _ norms: BM25.Norms, _ id: (UInt32) -> Int64?, _ top: inout TopK
    ) {
        var list: [Term] = []
        for (q, (t, w)) in zip(terms, weights).enumerated() {
            guard let entry = section.term(t) else { continue }
            let c = section.cursor(entry)
            var bound: Float = 0
            for b in 0..<c.blocks {
                let (_, tf, length) = c.blockBound(b)
                bound = max(bound, norms.score(weight: w, tf: tf, length: length))
            }
            list.append(Term(query: q, cursor: c, weight: w, bound: bound * (1 + margin)))
        }
        guard !list.isEmpty else { return }
        list.sort { $0.bound < $1.bound }
        var prefix = [Float](repeating: 0, count: list.count)
        var sum: Float = 0
        for i in list.indices {
            sum += list[i].bound
            prefix[i] = sum * (1 + margin)
        }
        var contributions = [Float](repeating: 0, count: terms.count)
        var threshold = top.threshold
        var essential = firstEssential(prefix, threshold)
        while essential < list.count {
            var doc = PostingsCursor.end
            for i in essential..<list.count where list[i].cursor.row < doc { doc = list[i].cursor.row }
            if doc == PostingsCursor.end { break }
            let length = section.length(doc)
            // Bound from the essential terms' current blocks and the others' whole lists.
            var bound: Float = essential > 0 ? prefix[essential - 1] : 0
            for i in essential..<list.count where list[i].cursor.row == doc {
                let b = list[i].cursor.blockBound(list[i].cursor.currentBlock)
                bound += norms.score(weight: list[i].weight, tf: b.maxTF, length: b.minLength) * (1 + margin)
            }
            guard bound >= threshold, let rowID = id(doc) else {
                for i in essential..<list.count where list[i].cursor.row == doc { list[i].cursor.next() }
                continue
            }
            var partial: Float = 0
            for i in essential..<list.count where list[i].cursor.row == doc {
                let v = norms.score(weight: list[i].weight, tf: list[i].cursor.frequency, length: length)
                contributions[list[i].query] = v
                partial += v
                list[i].cursor.next()
            }
            var ranks = true
            var i = essential - 1
            while i >= 0 {
                if partial * (1 + margin) + prefix[i] < threshold {
                    ranks = false
                    break
                }
                list[i].cursor.advance(to: doc)
                if list[i].cursor.row == doc {
                    let v = norms.score(weight: list[i].weight, tf: list[i].cursor.frequency, length: length)
                    contributions[list[i].query] = v
                    partial += v
                }
                i -= 1
            }
            if ranks {
                var score: Float = 0
                for c in contributions { score += c }
                top.offer(rowID, score)
                if top.threshold > threshold {
                    threshold = top.threshold
                    essential = firstEssential(prefix, threshold)
                }
            }
            for j in contributions.indices { contributions[j] = 0 }
        }
    }

    /// The first term that must be walked: those before it cannot, all together, reach `threshold`.
    static func firstEssential(_ prefix: [Float], _ threshold: Float) -> Int {
        var i = 0
        while i < prefix.count, prefix[i] < threshold { i += 1 }
        return i
    }
}
