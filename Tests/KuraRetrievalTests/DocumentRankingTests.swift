import Foundation
import GRDB
import KuraCore
import KuraEmbed
import KuraIngest
import KuraStore
import Testing

@testable import KuraRetrieval

/// Each document's vector (the normalised mean of its chunks', or its one chunk's) ranks whole documents
/// in hybrid search.
@Suite struct DocumentRankingTests {
    let dir = FileManager.default.temporaryDirectory.appendingPathComponent("kura-docrank-\(UUID().uuidString)").path

    static func record(_ id: String, _ vectors: [[Float]]) -> KuraStore.Record {
        let chunks = vectors.enumerated().map { i, v in
            KuraStore.Record.Chunk(text: "\(id) part \(i)", start: i * 10, end: i * 10 + 9, tokenCount: 3, vector: v)
        }
        return KuraStore.Record(id: id, text: chunks.map(\.text).joined(separator: " "), metadata: "{}", chunks: chunks, contentHash: "\(id)\(vectors)")
    }

    /// The given documents ranked as hybrid search ranks its candidates: through their chunks (every chunk
    /// text holds "part"), their documents and document vectors.
    func rank(_ c: DocumentCollection, _ ids: Set<String>, _ query: [Float]) throws -> [(id: String, score: Double)] {
        let external = try externalIDs()
        let documents = try c.documents(of: c.lexicalSearch("part", k: 100)).values
        return c.rankDocuments(of: documents.filter { ids.contains(external[$0.document]!) }, query: query).map { (external[$0.document]!, $0.score) }
    }

    /// Catalog document ids to external ones, read from the catalog beside the open store.
    func externalIDs() throws -> [Int64: String] {
        let rows = try DatabaseQueue(path: dir + "/catalog.sqlite").read { try Row.fetchAll($0, sql: "SELECT id, external_id FROM document") }
        return Dictionary(uniqueKeysWithValues: rows.map { ($0[0], $0[1]) })
    }

    @Test func documentVectorsFollowWritesAndRankDocuments() throws {
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let c = try EmbeddedCollection.open(try Store(directory: dir), name: "t", embedder: HashEmbedder(dimension: 4))
        // a spans two directions (its mean points between them); b is one direction, scaled (cosine ignores it).
        _ = try c.upsert([Self.record("a", [[1, 0, 0, 0], [0, 1, 0, 0]]), Self.record("b", [[3, 0, 0, 0]]), Self.record("c", [[0, 0, 1, 0]])])
        let between = try rank(c, ["a", "b", "c", "missing"], [1, 1, 0, 0])
        #expect(between.map(\.id) == ["a", "b", "c"])
        #expect(abs(between[0].score - 1) < 1e-5 && abs(between[1].score - 0.5.squareRoot()) < 1e-5 && abs(between[2].score) < 1e-6)
        #expect(try rank(c, ["a", "b"], [1, 0, 0, 0]).map(\.id) == ["b", "a"])
        #expect(try rank(c, ["c"], [1, 0, 0, 0]).map(\.id) == ["c"], "only the documents asked for")
        // One-chunk documents (b, c) store no vector of their own: their chunk's, pending or sealed, stands in.
        let before = try rank(c, ["a", "b", "c"], [1, 1, 0.5, 0])
        try c.compact()
        let sealed = try rank(c, ["a", "b", "c"], [1, 1, 0.5, 0])
        #expect(sealed.map(\.id) == before.map(\.id) && zip(sealed, before).allSatisfy { abs($0.score - $1.score) < 1e-5 })
        #expect(before.count == 3)
        // Both chunks of a carry a's one document vector; an unknown chunk id is left out.
        let external = try externalIDs()
        let found = try c.lexicalSearch("part", k: 10)
        let documents = try c.documents(of: found + [Hit(chunkID: 999_999, distance: 0, score: 0)])
        let vectorsOfA = documents.values.filter { external[$0.document] == "a" }.map(\.vector)
        #expect(documents.count == 4 && Set(vectorsOfA).count == 1)
        #expect(found.allSatisfy { $0.location != nil }, "sealed rows are found with their segment row")
        // A hit whose location no longer names its chunk is read through the catalog instead.
        let misplaced = found.map { Hit(chunkID: $0.chunkID, distance: 0, score: 0, location: SegmentRow(segment: $0.location!.segment, row: 999)) }
        #expect(try c.documents(of: misplaced) == documents.filter { $0.key != 999_999 })
        // A changed document gets a new vector; a deleted one has none.
        _ = try c.upsert([Self.record("a", [[0, 0, 1, 0]])])
        #expect(try rank(c, ["a", "b"], [0, 0, 1, 0]).first?.id == "a")
        _ = try c.delete(ids: ["a"])
        #expect(try rank(c, ["a", "b"], [0, 0, 1, 0]).map(\.id) == ["b"])
        #expect(try rank(c, [], [1, 0, 0, 0]).isEmpty)
    }

    /// A document of several chunks written before document vectors existed has none stored: the chunk
    /// that made it a candidate speaks for it, and it still ranks among documents.
    @Test func aSeveralChunkDocumentWithoutAStoredVectorRanksByItsChunk() throws {
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let store = try Store(directory: dir)
        let c = try EmbeddedCollection.open(store, name: "t", embedder: HashEmbedder(dimension: 4))
        _ = try c.upsert([Self.record("a", [[1, 0, 0, 0], [0, 1, 0, 0]]), Self.record("b", [[0, 0, 1, 0]])])
        try c.compact()
        // What such a document looks like in the catalog: its row without a vector.
        try DatabaseQueue(path: dir + "/catalog.sqlite").write { try $0.execute(sql: "UPDATE document SET vector = NULL WHERE external_id = 'a'") }
        let external = try externalIDs()
        let documents = try c.documents(of: c.lexicalSearch("part", k: 10))
        let a = documents.values.filter { external[$0.document] == "a" }.compactMap(\.vector).map { $0.map { ($0 * 1e4).rounded() / 1e4 } }
        #expect(Set(a) == [[1, 0, 0, 0], [0, 1, 0, 0]], "each of a's chunks speaks for a by its own vector")
        let ranked = try rank(c, ["a", "b"], [0, 1, 0, 0])
        #expect(ranked.map(\.id) == ["a", "b"])
        #expect(abs(ranked[0].score - 1) < 1e-5, "a ranks at its best chunk, whichever comes first")
    }

    @Test func documentRankingBreaksASplitBetweenTheChunkLists() {
        // Dense puts a's chunk first, lexical b's: a tie that the document ranking decides either way.
        let lists: [[Int64]] = [[1, 2], [2, 1]]
        let documentOf: [Int64: String] = [1: "a", 2: "b"]
        #expect(Retriever.fuseHybrid(lists, documentOf: documentOf, documentRankings: [], k: 60).map(\.0) == [1, 2], "first appearance")
        #expect(Retriever.fuseHybrid(lists, documentOf: documentOf, documentRankings: [["b", "a"]], k: 60).map(\.0) == [2, 1])
        // Every chunk of a document carries its document's score, ahead of a lone better chunk elsewhere.
        let fused = Retriever.fuseHybrid([[3, 1, 4], [3, 4]], documentOf: [1: "a", 3: "b", 4: "a"], documentRankings: [["a", "b"]], k: 60)
        let score = Dictionary(uniqueKeysWithValues: fused)
        func rr(_ rank: Double) -> Double { 1 / (60 + rank) }
        let expected4: Double = 2 * rr(2) + rr(1) + rr(3) + rr(2)
        let expected3: Double = 2 * rr(1) + rr(2) + 2 * rr(1)
        #expect(abs(score[4]! - expected4) < 1e-12)
        #expect(abs(score[3]! - expected3) < 1e-12)
    }
}
