import Foundation
import GRDB
import KuraCore
import KuraTesting
import Testing

@testable import KuraStore

/// Lexical search over FTS5: any word may match, quoted so words are never operators; words in more than
/// half of the chunks are dropped while others remain, and a long query keeps its rarest words.
struct LexicalTests {
    @Test func commonWordsGoAndLongQueriesKeepTheirRarestTerms() throws {
        let dir = StoreFixtures.tempDir("lexical")
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let store = try Store(directory: dir)
        let c = try StoreFixtures.collection(store, dimension: 4)
        let common = (0..<10).map { "common\($0)" }
        let mid = (0..<20).map { "mid\($0)" }
        // 40 documents: all have the common words; doc7 alone has "zeppelin"; docs 0-2 have "rare";
        // mid word j is in docs j and j + 20.
        let records = (0..<40).map { i in
            let text = common.joined(separator: " ") + " " + mid[i % 20] + (i == 7 ? " zeppelin" : "") + (i < 3 ? " rare" : "")
            return Record(id: "doc\(i)", text: text, metadata: "{}", vector: [1, Float(i), 0, 1])
        }
        _ = try c.upsert(records)
        func terms(_ q: String) throws -> [String] {
            try store.db.read { try DocumentCollection.lexicalPattern(q, $0) }?.rawPattern.components(separatedBy: " OR ") ?? []
        }
        let everyDoc = common.joined(separator: " ")
        #expect(try terms(everyDoc + " zeppelin missingword rare") == [#""zeppelin""#, #""rare""#], "common and unknown words dropped, query order kept")
        #expect(try terms(everyDoc).count == 2, "only common words: the two rarest of them remain")
        let long = try terms(mid.joined(separator: " ") + " rare zeppelin")
        #expect(long.count == DocumentCollection.maxLexicalTerms && long.contains(#""zeppelin""#) && !long.contains(#""rare""#))
        #expect(try c.lexicalSearch(everyDoc + " zeppelin", k: 1).map(\.chunkID) == c.lexicalSearch("zeppelin", k: 1).map(\.chunkID))
        // Operator words are plain terms.
        #expect(try terms("drain OR NOT pods").isEmpty, "none of these words is in the collection")
        _ = try c.upsert([Record(id: "ops", text: "drain or not pods", metadata: "{}", vector: [1, 1, 1, 1])])
        #expect(try terms("drain OR NOT pods") == [#""drain""#, #""or""#, #""not""#, #""pods""#])
        #expect(try c.lexicalSearch("NEAR AND OR", k: 3).map(\.chunkID).count == 1)
        #expect(try store.db.read { try DocumentCollection.lexicalPattern("  ... ", $0) } == nil)
    }

    /// Sealing and compaction rewrite where each chunk's vector lives; the full-text index must follow a
    /// chunk's text only, not re-index it on every such update (migration v5), yet still follow the text.
    @Test func theTextIndexFollowsTextUpdatesOnly() throws {
        let dir = StoreFixtures.tempDir("fts-update")
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let store = try Store(directory: dir)
        let c = try StoreFixtures.collection(store, dimension: 4, sealThreshold: 1000)
        _ = try c.upsert([Record(id: "a", text: "alpha beta", metadata: "{}", vector: [1, 0, 0, 1])])
        let id = try #require(c.lexicalSearch("alpha", k: 1).first?.chunkID)
        let changes = try store.db.write { db in
            let before = db.totalChangesCount
            try db.execute(sql: "UPDATE chunk SET segment_row = 0 WHERE id = ?", arguments: [id])
            return db.totalChangesCount - before
        }
        #expect(changes == 1, "an update of other columns leaves the text index alone")
        try store.db.write { try $0.execute(sql: "UPDATE chunk SET text = 'gamma' WHERE id = ?", arguments: [id]) }
        #expect(try c.lexicalSearch("gamma", k: 1).map(\.chunkID) == [id])
        #expect(try c.lexicalSearch("alpha", k: 1).isEmpty)
        try store.db.write { try $0.execute(sql: "UPDATE chunk SET segment_row = NULL WHERE id = ?", arguments: [id]) }
        #expect(try store.verify().isEmpty)
    }
}
