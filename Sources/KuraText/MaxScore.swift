/// Block-max MaxScore over one postings section, walked in windows of rows (after Turtle and Flood's
/// MaxScore and Lucene's MaxScoreBulkScorer). Terms are ordered by their best score; the weakest ones,
/// whose bounds summed cannot reach the k-th best score, are "non-essential". Each window of rows takes
/// the essential terms' postings into a score array (no per-row merging), then completes each row found
/// with the non-essential terms only while it could still rank. A window whose blocks' bounds fall short
/// is skipped whole. Skips are strict (a bound equal to the threshold is still scored, since it may win
/// the tie) and carry a margin, and scores are added in Double, which is exact for these sums whatever
/// their order, so the answer is the exhaustive search's.
enum MaxScore {
    /// Bounds are raised by this share so that rounding never makes one fall below a real score.
    static let margin = 1e-6
    /// Rows per window.
    static let window = 4096

    static func run(
        _ section: PostingsSection, _ entries: [PostingsSection.Term?], _ weights: [Float], _ norms: BM25.Norms, _ id: (UInt32) -> Int64?,
        _ top: inout TopK
    ) {
        var found: [(cursor: PostingsCursor, weight: Float, bound: Double)] = []
        for (e, w) in zip(entries, weights) {
            guard let entry = e else { continue }
            let c = section.cursor(entry)
            var bound: Float = 0
            for b in 0..<c.blocks { bound = max(bound, c.blockScore(b, weight: w, norms: norms)) }
            found.append((c, w, Double(bound) * (1 + margin)))
        }
        guard !found.isEmpty else { return }
        found.sort { $0.bound < $1.bound }
        let n = found.count
        let cursors = found.map(\.cursor), weight = found.map(\.weight)
        var prefix = [Double](repeating: 0, count: n)
        var sum = 0.0
        for i in 0..<n {
            sum += found[i].bound
            prefix[i] = sum * (1 + margin)
        }
        let scores = UnsafeMutablePointer<Double>.allocate(capacity: window)
        scores.initialize(repeating: 0, count: window)
        let seen = UnsafeMutablePointer<UInt64>.allocate(capacity: window / 64)
        seen.initialize(repeating: 0, count: window / 64)
        defer {
            scores.deallocate()
            seen.deallocate()
        }
        var threshold = Double(top.threshold)
        var essential = firstEssential(prefix, threshold)
        while essential < n {
            var start = PostingsCursor.end
            for i in essential..<n where cursors[i].row < start { start = cursors[i].row }
            if start == PostingsCursor.end { break }
            let end = start &+ UInt32(window) > start ? start + UInt32(window) : PostingsCursor.end
            // The window's bound: the essential terms' best blocks over it, the others' whole lists.
            var reach = essential > 0 ? prefix[essential - 1] : 0
            for i in essential..<n { reach += cursors[i].bestScore(before: end, weight: weight[i], norms: norms) * (1 + margin) }
            if reach < threshold {
                for i in essential..<n { cursors[i].advance(to: end) }
                continue
            }
            for i in essential..<n {
                let c = cursors[i], w = weight[i]
                while c.row < end {
                    let slot = Int(c.row - start)
                    scores[slot] += Double(norms.score(weight: w, tf: c.frequency, length: section.length(c.row)))
                    seen[slot >> 6] |= 1 << UInt64(slot & 63)
                    c.next()
                }
            }
            for word in 0..<(window / 64) where seen[word] != 0 {
                var bits = seen[word]
                seen[word] = 0
                while bits != 0 {
                    let slot = word << 6 | bits.trailingZeroBitCount
                    bits &= bits - 1
                    var score = scores[slot]
                    scores[slot] = 0
                    let doc = start + UInt32(slot)
                    guard score * (1 + margin) + (essential > 0 ? prefix[essential - 1] : 0) >= threshold else { continue }
                    var ranks = true
                    var i = essential - 1
                    while i >= 0 {
                        if score * (1 + margin) + prefix[i] < threshold {
                            ranks = false
                            break
                        }
                        cursors[i].advance(to: doc)
                        if cursors[i].row == doc {
                            score += Double(norms.score(weight: weight[i], tf: cursors[i].frequency, length: section.length(doc)))
                        }
                        i -= 1
                    }
                    // The id (a deleted or filtered row has none) is looked up only for a row that can enter.
                    guard ranks, Float(score) >= top.threshold, let rowID = id(doc) else { continue }
                    top.offer(rowID, Float(score), row: doc)
                    if Double(top.threshold) > threshold {
                        threshold = Double(top.threshold)
                        essential = firstEssential(prefix, threshold)
                    }
                }
            }
        }
    }

    /// The first term that must be walked: those before it cannot, all together, reach `threshold`.
    static func firstEssential(_ prefix: [Double], _ threshold: Double) -> Int {
        var i = 0
        while i < prefix.count, prefix[i] < threshold { i += 1 }
        return i
    }
}
