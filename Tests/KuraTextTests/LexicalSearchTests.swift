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

    /// The rows of `docs`, each a document of its own unless `documentOf` groups them (by row number).
    static func index(_ docs: ArraySlice<[String]>, documentOf: (Int) -> Int64 = { Int64($0) }) -> InvertedIndex {
        var index = InvertedIndex()
        for (i, d) in zip(docs.indices, docs) { index.add(d, document: documentOf(i)) }
        return index
    }

    @Test func aSectionReadsBackWhatWasWritten() throws {
        let docs = Self.documents(1000, vocabulary: 300, seed: 1)
        let memory = Self.index(docs[...])
        let bytes = try PostingsWriter.write(memory)
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
        let sections = try (0..<3).map { try PostingsWriter.write(Self.index(docs[cuts[$0]..<cuts[$0 + 1]])) }
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

    /// A section of many windows whose words change with the rows (a word common in one stretch is rare
    /// in the next), so blocks' bounds differ from window to window: still exactly the oracle's top-k.
    @Test func manyWindowsOfShiftingWordsStayExact() throws {
        var r = Random(state: 77)
        let docs = Self.documents(40_000, vocabulary: 3000, seed: 5).enumerated().map { i, words in
            words.map { w in "w\((Int(w.dropFirst())! + (i / 5000) * 37) % 3000)" }
        }
        let bytes = try PostingsWriter.write(Self.index(docs[...]))
        try bytes.withUnsafeBytes { raw in
            let parts = [LexicalPart(section: try PostingsSection(raw)) { Int64($0) }]
            for _ in 0..<40 {
                let query = (0..<(2 + r.below(10))).map { _ in docs[r.below(docs.count)].first! }
                for k in [1, 10, 30] {
                    #expect(LexicalSearch.search(query, in: parts, k: k) == LexicalSearch.exhaustive(query, in: parts, k: k), "query \(query) k \(k)")
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
        let bytes = try PostingsWriter.write(Self.index(Self.documents(300, vocabulary: 50, seed: 4)[...]))
        for cut in [0, 10, 63, 64, bytes.count / 2, bytes.count - 1] {
            let truncated = Array(bytes.prefix(cut))
            truncated.withUnsafeBytes { raw in
                if let s = try? PostingsSection(raw) { _ = LexicalSearch.search(["w1", "w2"], in: [LexicalPart(section: s) { Int64($0) }], k: 10) }
            }
        }
        var r = Random(state: 5)
        let grouped = try PostingsWriter.write(Self.index(Self.documents(300, vocabulary: 50, seed: 4)[...]) { Int64($0 / 4) })
        for i in 0..<600 {
            var damaged = i % 2 == 0 ? bytes : grouped
            for _ in 0..<4 { damaged[64 + r.below(damaged.count - 64)] = UInt8(r.below(256)) }
            damaged.withUnsafeBytes { raw in
                guard let s = try? PostingsSection(raw) else { return }
                let part = LexicalPart(section: s) { Int64($0) }
                _ = LexicalSearch.search(["w1", "w2", "w30"], in: [part], k: 10)
                _ = LexicalSearch.exhaustive(["w1", "w7"], in: [part], k: 10)
            }
        }
    }

    /// Rows grouped into documents: the section gives each row's document, each document's id and length,
    /// and its check finds a row that names no document; a version 1 section (no documents) still reads,
    /// each row its own document.
    @Test func sectionsNameTheirRowsDocuments() throws {
        let docs = Self.documents(500, vocabulary: 100, seed: 11)
        let memory = Self.index(docs[...]) { 7000 + Int64($0 / 3) }
        var bytes = try PostingsWriter.write(memory)
        try bytes.withUnsafeBytes { raw in
            let s = try PostingsSection(raw)
            #expect(s.hasDocuments && s.documentCount == 167 && s.check().isEmpty)
            for row in [0, 1, 2, 3, 499] {
                let d = s.document(ofRow: UInt32(row))
                #expect(d == UInt32(row / 3) && s.documentID(d) == 7000 + Int64(row / 3))
                let rows = (row / 3 * 3)..<min(500, row / 3 * 3 + 3)
                #expect(s.documentLength(d) == UInt32(rows.reduce(0) { $0 + docs[$1].count }))
            }
        }
        let rowDocuments = Int(bytes.withUnsafeBytes { PostingsSection.u64($0, 64) })
        bytes[rowDocuments + 4 * 10] = 0xEE
        let problems = try bytes.withUnsafeBytes { try PostingsSection($0).check() }
        #expect(problems.contains { $0.contains("row 10 names document") })
        let old = Self.versionOne(try PostingsWriter.write(memory))
        try old.withUnsafeBytes { raw in
            let s = try PostingsSection(raw)
            #expect(!s.hasDocuments && s.documentCount == 500 && s.documentID(0) == nil && s.check().isEmpty)
            #expect(s.document(ofRow: 7) == 7 && s.documentLength(7) == UInt32(docs[7].count))
            let hits = LexicalSearch.search(["w1", "w5"], in: [LexicalPart(section: s) { Int64($0) }], k: 10)
            #expect(!hits.isEmpty && hits == LexicalSearch.exhaustive(["w1", "w5"], in: [LexicalPart(section: s) { Int64($0) }], k: 10))
        }
    }

    /// The same section as format version 1 wrote it: a 64-byte header, no document tables.
    static func versionOne(_ v2: [UInt8]) -> [UInt8] {
        v2.withUnsafeBytes { p in
            let lengths = Int(PostingsSection.u64(p, 56)), rows = Int(PostingsSection.u32(p, 8))
            var out = Array(v2[0..<64])
            out.replaceSubrange(4..<8, with: [1, 0, 0, 0])
            out.replaceSubrange(28..<32, with: [0, 0, 0, 0])
            for field in stride(from: 32, to: 64, by: 8) {
                withUnsafeBytes(of: (PostingsSection.u64(p, field) - 16).littleEndian) { out.replaceSubrange(field..<(field + 8), with: $0) }
            }
            return out + v2[80..<(lengths + 4 * rows)]
        }
    }

    /// Where documents have several rows, a row scores 0.2 of its own BM25 plus 0.8 of its document's
    /// (BM25 over the document's rows together, with document statistics). Against that rule written out
    /// in Double over the raw terms, for several parts, deleted documents and a filter.
    @Test(arguments: [1, 2])
    func documentScoresAreBM25OverWholeDocuments(seed: UInt64) throws {
        let rows = Self.documents(3000, vocabulary: 800, seed: seed)
        var r = Random(state: seed &* 17)
        var documentOf: [Int64] = []
        while documentOf.count < rows.count { documentOf += Array(repeating: Int64(documentOf.count), count: 1 + r.below(6)) }
        documentOf = Array(documentOf.prefix(rows.count))
        // Parts end at document boundaries; a document never spans two.
        let cuts = [0] + [1200, 2100].map { c in (c..<rows.count).first { documentOf[$0] != documentOf[$0 - 1] }! } + [rows.count]
        let deleted = Set((0..<40).map { _ in Int64(r.below(rows.count)) }.map { documentOf[Int($0)] })
        let sections = try (0..<2).map { try PostingsWriter.write(Self.index(rows[cuts[$0]..<cuts[$0 + 1]]) { documentOf[$0] }) }
        let growing = Self.index(rows[cuts[2]..<cuts[3]]) { documentOf[$0] }
        try sections[0].withUnsafeBytes { s0 in
            try sections[1].withUnsafeBytes { s1 in
                for even in [false, true] {
                    func id(_ base: Int) -> (UInt32) -> Int64? {
                        { row in
                            let i = base + Int(row)
                            return deleted.contains(documentOf[i]) || (even && documentOf[i] % 2 == 1) ? nil : Int64(i)
                        }
                    }
                    let parts = [
                        LexicalPart(section: try PostingsSection(s0), id: id(0)), LexicalPart(section: try PostingsSection(s1), id: id(cuts[1])),
                        LexicalPart(memory: growing, id: id(cuts[2])),
                    ]
                    for _ in 0..<25 {
                        let query = (0..<(1 + r.below(5))).map { _ in rows[r.below(rows.count)][0] } + ["nowhere"]
                        let oracle = DocumentOracle(rows, documentOf, query)
                        let expected = oracle.top(20) { id(0)(UInt32($0)) != nil }
                        let hits = LexicalSearch.search(query, in: parts, k: 20)
                        #expect(hits.count == expected.count, "\(query)")
                        // Equal scores may come in either order after rounding: each hit's score is its row's,
                        // and the scores fall as the oracle's do.
                        for (h, e) in zip(hits, expected) {
                            #expect(abs(Double(h.score) - e.score) <= 1e-5 * e.score, "\(query)")
                            #expect(abs(Double(h.score) - oracle.score(row: Int(h.id))) <= 1e-5 * e.score)
                        }
                    }
                }
            }
        }
    }

    /// The document-aware rule, brute force: every row (deleted ones too) in the statistics.
    struct DocumentOracle {
        let rows: [[String]], documentOf: [Int64], query: Set<String>
        let documents: [Int64: [String]]
        let byRow: Scorer, byDocument: Scorer

        init(_ rows: [[String]], _ documentOf: [Int64], _ query: [String]) {
            (self.rows, self.documentOf, self.query) = (rows, documentOf, Set(query))
            var documents: [Int64: [String]] = [:]
            for (terms, d) in zip(rows, documentOf) { documents[d, default: []] += terms }
            self.documents = documents
            byRow = Scorer(rows, self.query)
            byDocument = Scorer(Array(documents.values), self.query)
        }

        /// BM25 of `unit` among `units`, in Double.
        struct Scorer {
            let n: Double, average: Double, df: [String: Double]

            init(_ units: [[String]], _ query: Set<String>) {
                n = Double(units.count)
                average = Double(units.reduce(0) { $0 + $1.count }) / n
                df = Dictionary(uniqueKeysWithValues: query.map { t in (t, Double(units.filter { $0.contains(t) }.count)) })
            }

            func callAsFunction(_ unit: [String]) -> Double {
                df.reduce(0.0) { sum, entry in
                    let tf = Double(unit.filter { $0 == entry.key }.count)
                    guard tf > 0 else { return sum }
                    let idf = log(1 + (n - entry.value + 0.5) / (entry.value + 0.5))
                    return sum + idf * tf * 2.2 / (tf + 1.2 * (0.25 + 0.75 * Double(unit.count) / average))
                }
            }
        }

        func score(row: Int) -> Double { 0.2 * byRow(rows[row]) + 0.8 * byDocument(documents[documentOf[row]]!) }

        /// The best `k` live rows holding a query term.
        func top(_ k: Int, live: (Int) -> Bool) -> [(id: Int, score: Double)] {
            let candidates = rows.indices.filter { live($0) && rows[$0].contains(where: query.contains) }
            let scored = candidates.map { ($0, score(row: $0)) }
            return Array(scored.sorted { $0.1 != $1.1 ? $0.1 > $1.1 : $0.0 < $1.0 }.prefix(k))
        }
    }
}
