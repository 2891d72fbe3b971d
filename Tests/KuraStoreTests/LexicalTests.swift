import Foundation
import GRDB
import KuraCore
import KuraTesting
import Testing

@testable import KuraStore

/// Lexical search over FTS5: any word may match, quoted so words are never operators, and a long query
/// keeps only its rarest words.
struct LexicalTests {
    @Test func longQueriesKeepTheirRarestTerms() throws {
        let dir = StoreFixtures.tempDir("lexical")
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let store = try Store(directory: dir)
        let c = try StoreFixtures.collection(store, dimension: 4)
        let common = (0..<40).map { "word\($0)" }
        // Every document has the 40 common words; doc7 alone has "zeppelin", docs 0-2 have "rare".
        let records = (0..<20).map { i in
            let extra = (i == 7 ? " zeppelin" : "") + (i < 3 ? " rare" : "")
            return Record(id: "doc\(i)", text: common.joined(separator: " ") + extra, metadata: "{}", vector: [1, Float(i), 0, 1])
        }
        _ = try c.upsert(records)
        let long = common.joined(separator: " ") + " zeppelin rare missingword"
        let pattern = try store.db.read { try DocumentCollection.lexicalPattern(long, $0) }
        let terms = try #require(pattern).rawPattern.components(separatedBy: " OR ")
        #expect(terms.count == DocumentCollection.maxLexicalTerms)
        #expect(terms.prefix(2) == [#""zeppelin""#, #""rare""#], "rarest first")
        #expect(!terms.contains(#""missingword""#), "a word no chunk has is dropped")
        #expect(try c.lexicalSearch(long, k: 1).map(\.chunkID) == c.lexicalSearch("zeppelin", k: 1).map(\.chunkID))
        // Short queries keep every word; operator words are plain terms.
        let short = try store.db.read { try DocumentCollection.lexicalPattern("drain OR NOT pods", $0) }
        #expect(short?.rawPattern == #""drain" OR "or" OR "not" OR "pods""#)
        #expect(try c.lexicalSearch("NEAR AND OR", k: 3).isEmpty)
        #expect(try store.db.read { try DocumentCollection.lexicalPattern("  ... ", $0) } == nil)
    }
}
