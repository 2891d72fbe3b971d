import Foundation
import GRDB
import KuraCore
import KuraTesting
import Testing

@testable import KuraIndex
@testable import KuraStore
@testable import KuraText

/// The collection's own lexical index: postings in segments and in the growing graph, deletes through
/// the same tombstones as vectors, compaction merging postings, and old segments given postings.
struct LexicalTests {
    /// BM25 by brute force over rows given as (chunk id, text, live): every row counts in the statistics,
    /// only live rows are ranked; best first, ties to the smaller id.
    static func oracle(_ rows: [(id: Int64, text: String, live: Bool)], _ query: String, k: Int, analyzer: any Analyzer) -> [Int64] {
        let terms = rows.map { analyzer.terms($0.text) }
        let total = terms.reduce(0) { $0 + $1.count }
        let bm25 = BM25()
        let norms = bm25.norms(averageLength: Float(Double(total) / Double(max(rows.count, 1))))
        var seen = Set<String>()
        let q = analyzer.terms(query).filter { seen.insert($0).inserted }
        var scored: [(Int64, Float)] = []
        for (row, t) in zip(rows, terms) where row.live {
            var sum = 0.0
            for term in q {
                let tf = t.filter { $0 == term }.count
                guard tf > 0 else { continue }
                let df = terms.filter { $0.contains(term) }.count
                sum += Double(norms.score(weight: bm25.idf(documents: rows.count, df: df) * (bm25.k1 + 1), tf: UInt32(tf), length: UInt32(t.count)))
            }
            if sum > 0 { scored.append((row.id, Float(sum))) }
        }
        return scored.sorted { $0.1 != $1.1 ? $0.1 > $1.1 : $0.0 < $1.0 }.prefix(k).map(\.0)
    }

    static let words = ["pod", "node", "drain", "taint", "volume", "claim", "secret", "ingress", "service", "deploy", "replica", "cron"]

    static func text(_ i: Int) -> String {
        var g = SeededRandom(seed: UInt64(i))
        return (0..<(3 + Int(g.next() % 12))).map { _ in words[Int(g.next() % UInt64(words.count)) % (1 + Int(g.next() % UInt64(words.count)))] }
            .joined(separator: " ")
    }

    /// Sealed segments, a graph being filled, deletes and replacements: every search equals the oracle
    /// over the rows indexed so far (deleted ones still counted in the statistics); after compaction,
    /// over the live rows alone.
    @Test func searchesEqualTheOracleThroughSealsDeletesAndCompaction() throws {
        let dir = StoreFixtures.tempDir("lexical")
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let store = try Store(directory: dir)
        let c = try StoreFixtures.collection(store, dimension: 4, sealThreshold: 16)
        var rows: [(id: Int64, text: String, live: Bool)] = []
        var rowOf: [String: Int] = [:]
        func upsert(_ ids: Range<Int>, version: Int) throws {
            let records = ids.map {
                Record(id: "d\($0)", text: Self.text($0 * 7 + version), metadata: #"{"even": \#($0 % 2 == 0)}"#, vector: [1, Float($0), 0, 1])
            }
            _ = try c.upsert(records)
            let added = try store.db.read { db in
                try Row.fetchAll(
                    db, sql: "SELECT c.id, c.text, d.external_id FROM chunk c JOIN document d ON d.id = c.document_id WHERE c.id > ? ORDER BY c.id",
                    arguments: [rows.last?.id ?? 0])
            }
            for r in added {
                if let old = rowOf[r[2]] { rows[old].live = false }
                rowOf[r[2]] = rows.count
                rows.append((r[0], r[1], true))
            }
        }
        let analyzer = try AnalyzerName.auto.make()
        func check(_ label: String) throws {
            for q in ["pod", "drain taint", "volume claim secret", "cron", "pod node drain taint volume", "nothing here"] {
                #expect(try c.lexicalSearch(q, k: 7).map(\.chunkID) == Self.oracle(rows, q, k: 7, analyzer: analyzer), "\(label): \(q)")
            }
        }
        try upsert(0..<40, version: 0)
        try check("three segments and a growing graph")
        _ = try c.delete(ids: ["d3", "d20", "d39"])
        for id in ["d3", "d20", "d39"] { rows[rowOf[id]!].live = false }
        try upsert(10..<14, version: 1)
        try check("after deletes and replacements")
        let even = try c.lexicalSearch("pod node drain", k: 50, filter: MetadataFilter(json: .object(["even": .bool(true)])))
        let evenDocs = try c.chunks(even.map(\.chunkID)).values.map(\.documentID)
        #expect(!evenDocs.isEmpty && evenDocs.allSatisfy { Int($0.dropFirst())! % 2 == 0 })
        try c.compact()
        #expect(c.snapshot.segments.count == 1 && c.snapshot.segments[0].segment.postings != nil)
        rows = rows.filter(\.live)
        try check("after compaction")
        #expect(try store.verify().isEmpty)
    }

    /// Text in Japanese without spaces is found by its words, and kana compounds by their parts.
    @Test func japaneseWithoutSpacesIsFound() throws {
        let dir = StoreFixtures.tempDir("lexical-ja")
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let store = try Store(directory: dir)
        let c = try StoreFixtures.collection(store, dimension: 4)
        _ = try c.upsert([
            Record(id: "ds", text: "DeepSeekのオープンソース化は業界に影響を与えた。", metadata: "{}", vector: [1, 0, 0, 1]),
            Record(id: "k8s", text: "Kubernetesはコンテナを管理する。", metadata: "{}", vector: [0, 1, 0, 1]),
        ])
        let ids = try c.lexicalSearch("オープンソース", k: 5).map(\.chunkID)
        #expect(try c.chunks(ids).values.map(\.documentID) == ["ds"])
        #expect(try c.chunks(c.lexicalSearch("コンテナの管理", k: 5).map(\.chunkID)).values.map(\.documentID) == ["k8s"])
    }

    /// `maxTerms` keeps the query's rarest terms: a row holding only the common one drops out.
    @Test func aQueryKeepsItsRarestTerms() throws {
        let dir = StoreFixtures.tempDir("lexical-terms")
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let c = try StoreFixtures.collection(try Store(directory: dir), dimension: 4)
        _ = try c.upsert(
            ["kubelet restart", "kubelet logs", "kubelet flags", "taint toleration"].enumerated().map {
                Record(id: "d\($0)", text: $1, metadata: "{}", vector: [1, Float($0), 0, 1])
            })
        let documents = { (hits: [Hit]) in try c.chunks(hits.map(\.chunkID)).values.map(\.documentID).sorted() }
        #expect(try documents(c.lexicalSearch("kubelet taint", k: 10, allowed: nil)) == ["d0", "d1", "d2", "d3"])
        #expect(try documents(c.lexicalSearch("kubelet taint", k: 10, allowed: nil, maxTerms: 1)) == ["d3"])
    }

    /// A segment written before segments had postings (simulated by removing the section from its header)
    /// is searched through postings built from the chunk text, needs compaction, and gets its postings then.
    @Test func segmentsWithoutPostingsGetThem() throws {
        let dir = StoreFixtures.tempDir("lexical-old")
        defer { try? FileManager.default.removeItem(atPath: dir) }
        var before: [[Int64]] = []
        let queries = ["pod", "drain taint", "cron secret"]
        do {
            let store = try Store(directory: dir)
            let c = try StoreFixtures.collection(store, dimension: 4, sealThreshold: 1000)
            _ = try c.upsert((0..<30).map { Record(id: "d\($0)", text: Self.text($0), metadata: "{}", vector: [1, Float($0), 0, 1]) })
            try c.sealNow()
            _ = try c.delete(ids: ["d4"])
            before = try queries.map { try c.lexicalSearch($0, k: 5).map(\.chunkID) }
            let live = c.snapshot.segments[0]
            let path = live.segment.path
            var bytes = [UInt8](try Data(contentsOf: URL(fileURLWithPath: path)))
            var header = try bytes.withUnsafeBytes { try SegmentHeader.decode($0, fileSize: bytes.count, path: path) }
            header.sections.removeAll { $0.kind == .postings }
            bytes.replaceSubrange(0..<SegmentFormat.headerSize, with: header.encode())
            try Data(bytes).write(to: URL(fileURLWithPath: path))
            let crc = try Segment(path: path).headerChecksum
            try store.db.write { try $0.execute(sql: "UPDATE segment SET header_crc = ?", arguments: [Int64(crc)]) }
        }
        let store = try Store(directory: dir)
        let c = try store.collection("c")
        #expect(c.snapshot.segments[0].segment.postings == nil)
        let live = try store.db.read { db in
            try Row.fetchAll(db, sql: "SELECT id, text FROM chunk ORDER BY id").map { (id: $0[0] as Int64, text: $0[1] as String, live: true) }
        }
        let analyzer = try AnalyzerName.auto.make()
        // The deleted row's text is gone with its chunk: it counts as an empty row until compaction.
        let withDeleted = live + [(id: Int64.max, text: "", live: false)]
        #expect(try queries.map { try c.lexicalSearch($0, k: 5).map(\.chunkID) } == queries.map { Self.oracle(withDeleted, $0, k: 5, analyzer: analyzer) })
        #expect(before.allSatisfy { !$0.isEmpty })
        #expect(c.needsCompaction)
        #expect(try store.verify().isEmpty)
        try c.compact()
        #expect(c.snapshot.segments[0].segment.postings != nil && !c.needsCompaction)
        #expect(try queries.map { try c.lexicalSearch($0, k: 5).map(\.chunkID) } == queries.map { Self.oracle(live, $0, k: 5, analyzer: analyzer) })
        #expect(try store.verify().isEmpty)
    }

    /// A damaged postings section is reported by verify, named.
    @Test func verifyChecksThePostings() throws {
        let dir = StoreFixtures.tempDir("lexical-verify")
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let store = try Store(directory: dir)
        let c = try StoreFixtures.collection(store, dimension: 4, sealThreshold: 1000)
        _ = try c.upsert((0..<30).map { Record(id: "d\($0)", text: Self.text($0), metadata: "{}", vector: [1, Float($0), 0, 1]) })
        try c.sealNow()
        let segment = c.snapshot.segments[0].segment
        let entry = try #require(segment.header.section(.postings))
        let handle = try #require(FileHandle(forUpdatingAtPath: segment.path))
        try handle.seek(toOffset: UInt64(entry.offset + entry.length - 1))
        try handle.write(contentsOf: [0xFF])
        try handle.close()
        #expect(try store.verify().contains { $0.contains("section postings checksum mismatch") })
    }

    /// A document of several chunks: a chunk scores with its document, so of two chunks that match a query
    /// alike, the one whose document holds the query's other words ranks first; the same through sealing,
    /// replacement and compaction, whose postings keep each row's document (verify checks them).
    @Test func chunksScoreWithTheirDocuments() throws {
        let dir = StoreFixtures.tempDir("lexical-docs")
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let store = try Store(directory: dir)
        let c = try StoreFixtures.collection(store, dimension: 4, sealThreshold: 4)
        func record(_ id: String, _ texts: [String]) -> KuraStore.Record {
            let chunks = texts.enumerated().map { KuraStore.Record.Chunk(text: $1, start: $0, end: $0 + 1, tokenCount: 3, vector: [1, Float($0), 0, 1]) }
            return KuraStore.Record(id: id, text: texts.joined(separator: "\n"), metadata: "{}", chunks: chunks, contentHash: texts.joined())
        }
        _ = try c.upsert([
            record("b", ["kubelet restart", "volume claim", "secret rotation"]),
            record("a", ["kubelet restart", "node drain procedure", "taint toleration"]),
            record("z", ["unrelated words", "more filler"]),
        ])
        func ranked(_ q: String) throws -> [String] {
            let hits = try c.lexicalSearch(q, k: 10)
            let chunks = try c.chunks(hits.map(\.chunkID))
            return hits.map { h in chunks[h.chunkID].map { "\($0.documentID):\($0.text)" } ?? "?" }
        }
        let expected = ["a:node drain procedure", "a:kubelet restart", "b:kubelet restart"]
        #expect(try ranked("kubelet node drain") == expected)
        try c.compact()
        #expect(try ranked("kubelet node drain") == expected)
        #expect(c.snapshot.segments.allSatisfy { if case .section(let s) = $0.text { s.documentCount == 3 } else { false } })
        // b now holds the other words, a does not.
        _ = try c.upsert([record("a", ["kubelet restart", "volume snapshot"]), record("b", ["kubelet restart", "node drain checklist"])])
        #expect(try ranked("kubelet node drain") == ["b:node drain checklist", "b:kubelet restart", "a:kubelet restart"])
        try c.compact()
        #expect(try ranked("kubelet node drain") == ["b:node drain checklist", "b:kubelet restart", "a:kubelet restart"])
        #expect(try store.verify().isEmpty)
    }
}
