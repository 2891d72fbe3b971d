import Foundation
import KuraCore
import KuraEmbed
import KuraIngest
import KuraStore
import Testing

@testable import KuraRetrieval

@Suite struct MMRTests {
    @Test func lambdaTradesRelevanceForDiversity() {
        // 0 and 1 are near duplicates; 2 is less relevant but points elsewhere; 3 has no vector.
        let vectors: [[Float]?] = [[1, 0, 0], [0.99, 0.14, 0], [0, 1, 0], nil]
        let relevance = [0.9, 0.85, 0.6, 0.1]
        #expect(MMR.select(relevance: relevance, vectors: vectors, k: 4, lambda: 1) == [0, 1, 2, 3])
        // The duplicate sinks below the diverse item, and even below the one without a vector.
        #expect(MMR.select(relevance: relevance, vectors: vectors, k: 3, lambda: 0.5) == [0, 2, 3])
        // Pure diversity still starts from the most relevant (all score 0 at first; ties keep input order).
        #expect(MMR.select(relevance: relevance, vectors: vectors, k: 2, lambda: 0) == [0, 2])
        #expect(MMR.select(relevance: [], vectors: [], k: 3, lambda: 0.5).isEmpty)
        #expect(MMR.select(relevance: [1, 1], vectors: [nil, nil], k: 5, lambda: 0.3) == [0, 1])
    }

    @Test func retrieverDiversifiesDuplicates() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("kura-mmr-\(UUID().uuidString)").path
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let c = try EmbeddedCollection.open(try Store(directory: dir), name: "t", embedder: HashEmbedder(dimension: 4))
        // Three copies of the best passage (cosine 0.98 to the query), one that is less close (0.81) but
        // points elsewhere (0.69 to the copies), and an unrelated one.
        let vectors: [[Float]] = [[1, 0.2, 0, 0], [1, 0.2, 0, 0], [1, 0.2, 0, 0], [0.8, -0.5, 0.3, 0], [0, 0, 0, 1]]
        _ = try c.upsert(vectors.enumerated().map { i, v in Record(id: "d\(i)", text: "passage \(i)", metadata: "{}", vector: v) })
        let r = Retriever(collection: c, embedder: nil)
        var q = Retriever.Query(vector: [1, 0, 0, 0], k: 2)
        #expect(Set(try r.search(q).map(\.documentID)).isSubset(of: ["d0", "d1", "d2"]))
        q.mmrLambda = 0.5
        let diverse = try r.search(q)
        #expect(diverse.count == 2 && diverse[1].documentID == "d3", "\(diverse.map(\.documentID))")
        q.mmrLambda = 1
        #expect(try r.search(q).map(\.documentID).allSatisfy { ["d0", "d1", "d2"].contains($0) })
        q.mmrLambda = 1.5
        #expect(throws: KuraError.self) { try r.search(q) }
    }
}
