import Foundation
import Testing

@testable import KuraText

/// The postings format and the pruned top-k, against the exhaustive oracle and a direct BM25.
@Suite struct LexicalSearchTests {
    /// A seeded generator (SplitMix64), so a failure can be replayed.
    struct Random {
        var state: UInt64
        mutating func next() -> UInt64 {
            state &+= 0x9E37_79B9_7F4A_7C15
            var z = state
            z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
            z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
            return z ^ (z >> 31)
        }
        mutating func below(_ n: Int) -> Int { Int(next() % UInt64(n)) }
    }

    /// Documents of Zipf-like words: a few common, many rare, as real text is.
    static func documents(_ n: Int, vocabulary: Int, seed: UInt64) -> [[String]] {
        var r = Random(state: seed)
        return (0..<n).map { _ in
            (0..<(1 + r.below(40))).map { _ in
                let u = Double(r.below(1_000_000) + 1) / 1_000_000
                return "w\(Int(pow(Double(vocabulary), u)) - 1)"
            }
        }
    }

    static func index(_ docs: ArraySlice<[String]>) -> InvertedIndex {
        var index = InvertedIndex()
        for d in docs { index.add(d) }
        return index
    }

    @Test func aSectionReadsBackWhatWasWritten() throws {
        let docs = Self.documents(1000, vocabulary: 300, seed: 1)
        let memory = Self.index(docs[...])
        let bytes = PostingsWriter.write(memory)
        try bytes.withUnsafeBytes { raw in
            let section = try PostingsSection(raw)
            #expect(section.rows == 1000 && section.totalLength == memory.totalLength && section.termCount == memory.terms.count)
            for (term, id) in memory.terms {
                let entry = try #require(section.term(term))
                let (rows, tfs) = section.decodeAll(entry)
                #expect(rows == memory.lists[id].rows && tfs == memory.lists[id].frequencies, "\(term)")
                // advance(to:) lands on the first row at or after the target.
                for target in stride(from: UInt32(0), to: 1000, by: 97) {
                    let c = section.cursor(entry)
                    c.advance(to: target)
                    #expect(c.row == (rows.first { $0 >= target } ?? PostingsCursor.end))
                }
            }
            #expect(section.term("absent") == nil)
            for row in [0, 999] { #expect(section.length(UInt32(row)) == UInt32(docs[row].count)) }
        }
    }

    /// Several sealed parts and a growing one, with deletions and filters: the pruned top-k is exactly
    /// the oracle's, for short queries, long ones, common terms and rare ones.
    @Test(arguments: [1, 2, 3])
    func prunedTopKIsExactlyTheExhaustiveOne(seed: UInt64) throws {
        let docs = Self.documents(6000, vocabulary: 2000, seed: seed)
        let cuts = [0, 2500, 4000, 5200, 6000]
        let sections = (0..<3).map { PostingsWriter.write(Self.index(docs[cuts[$0]..<cuts[$0 + 1]])) }
        let growing = Self.index(docs[cuts[3]..<cuts[4]])
        var r = Random(state: seed &* 31)
        let deleted = Set((0..<600).map { _ in r.below(6000) })
        try sections[0].withUnsafeBytes { s0 in
            try sections[1].withUnsafeBytes { s1 in
                try sections[2].withUnsafeBytes { s2 in
                    let raws = [s0, s1, s2]
                    for even in [false, true] {
                        var parts: [LexicalPart] = []
                        for (i, raw) in raws.enumerated() {
                            let base = cuts[i]
                            parts.append(
                                LexicalPart(section: try PostingsSection(raw)) { row in
                                    let id = base + Int(row)
                                    return deleted.contains(id) || (even && id % 2 == 1) ? nil : Int64(id)
                                })
                        }
                        parts.append(
                            LexicalPart(memory: growing) { row in
                                let id = cuts[3] + Int(row)
                                return deleted.contains(id) || (even && id % 2 == 1) ? nil : Int64(id)
                            })
                        for _ in 0..<60 {
                            let query = (0..<(1 + r.below(r.below(4) == 0 ? 30 : 4))).map { _ in docs[r.below(6000)][0] } + ["nowhere"]
                            for k in [1, 10, 100] {
                                let pruned = LexicalSearch.search(query, in: parts, k: k)
                                let oracle = LexicalSearch.exhaustive(query, in: parts, k: k)
                                #expect(pruned == oracle, "query \(query) k \(k)")
                                #expect(pruned.allSatisfy { !deleted.contains(Int($0.id)) && (!even || $0.id % 2 == 0) })
                            }
                        }
                    }
                }
            }
        }
    }

    /// The oracle against BM25 written out directly, in Double, over the same rows.
    @Test func theOracleIsBM25() throws {
        let docs = Self.documents(800, vocabulary: 200, seed: 9)
        let memory = Self.index(docs[...])
        let query = ["w3", "w50", "w199", "w3"]
        let hits = LexicalSearch.exhaustive(query, in: [LexicalPart(memory: memory) { Int64($0) }], k: 800)
        let n = Double(docs.count), avg = Double(memory.totalLength) / n
        var expected: [Int: Double] = [:]
        for t in Set(query) {
            let df = Double(docs.filter { $0.contains(t) }.count)
            guard df > 0 else { continue }
            let idf = log(1 + (n - df + 0.5) / (df + 0.5))
            for (i, d) in docs.enumerated() {
                let tf = Double(d.filter { $0 == t }.count)
                if tf > 0 { expected[i, default: 0] += idf * tf * 2.2 / (tf + 1.2 * (0.25 + 0.75 * Double(d.count) / avg)) }
            }
        }
        #expect(hits.count == expected.count)
        for h in hits { #expect(abs(Double(h.score) - expected[Int(h.id)]!) < 1e-4 * expected[Int(h.id)]!) }
        #expect(zip(hits, hits.dropFirst()).allSatisfy { $0.score > $1.score || ($0.score == $1.score && $0.id < $1.id) })
    }

    /// A damaged section is refused, or searched without reading out of its bounds.
    @Test func damagedSectionsAreSafe() throws {
        let bytes = PostingsWriter.write(Self.index(Self.documents(300, vocabulary: 50, seed: 4)[...]))
        for cut in [0, 10, 63, 64, bytes.count / 2, bytes.count - 1] {
            let truncated = Array(bytes.prefix(cut))
            truncated.withUnsafeBytes { raw in
                if let s = try? PostingsSection(raw) { _ = LexicalSearch.search(["w1", "w2"], in: [LexicalPart(section: s) { Int64($0) }], k: 10) }
            }
        }
        var r = Random(state: 5)
        for _ in 0..<300 {
            var damaged = bytes
            for _ in 0..<4 { damaged[64 + r.below(damaged.count - 64)] = UInt8(r.below(256)) }
            damaged.withUnsafeBytes { raw in
                guard let s = try? PostingsSection(raw) else { return }
                let part = LexicalPart(section: s) { Int64($0) }
                _ = LexicalSearch.search(["w1", "w2", "w30"], in: [part], k: 10)
                _ = LexicalSearch.exhaustive(["w1", "w7"], in: [part], k: 10)
            }
        }
    }
}
