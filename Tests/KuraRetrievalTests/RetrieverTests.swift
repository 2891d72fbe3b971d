import Foundation
import KuraCore
import KuraEmbed
import KuraIngest
import KuraStore
import Testing

@testable import KuraRetrieval

@Suite struct RetrieverTests {
    let dir = FileManager.default.temporaryDirectory.appendingPathComponent("kura-retrieval-\(UUID().uuidString)").path
    let embedder = HashEmbedder(dimension: 64)

    /// 60 documents: a topic word, a team, a numeric year; doc 7 alone mentions "zeppelin".
    func collection() throws -> DocumentCollection {
        let store = try Store(directory: dir)
        let c = try EmbeddedCollection.open(store, name: "t", embedder: embedder)
        let topics = ["pods", "nodes", "services", "volumes"]
        let records = try (0..<60).map { i -> Record in
            let text = "document \(i) about \(topics[i % 4]) and more \(topics[i % 4])" + (i == 7 ? " zeppelin" : "")
            let meta = try Record.canonical(
                .object(["team": .string(i % 3 == 0 ? "red" : "blue"), "year": .number(Double(2000 + i)), "n": .object(["deep": .bool(i % 2 == 0)])]))
            return Record(id: "d\(i)", text: text, metadata: meta, vector: embedder.vector(text))
        }
        _ = try c.upsert(records)
        return c
    }

    func filter(_ json: String) throws -> MetadataFilter {
        try MetadataFilter(json: JSONDecoder().decode(JSONValue.self, from: Data(json.utf8)))
    }

    @Test func filtersSelectInsideTheSearch() throws {
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let r = Retriever(collection: try collection(), embedder: embedder)
        func ids(_ f: String, mode: Retriever.Mode = .dense, k: Int = 100) throws -> Set<String> {
            var q = Retriever.Query(text: "about pods", k: k)
            q.mode = mode
            q.filter = try filter(f)
            return Set(try r.search(q).map(\.documentID))
        }
        #expect(try ids(#"{"team":"red"}"#) == Set((0..<60).filter { $0 % 3 == 0 }.map { "d\($0)" }))
        #expect(try ids(#"{"year":{"$gte":2050}}"#) == Set((50..<60).map { "d\($0)" }))
        #expect(try ids(#"{"year":{"$gt":2010,"$lt":2013}}"#) == ["d11", "d12"])
        #expect(try ids(#"{"$and":[{"team":"red"},{"year":{"$in":[2003,2004,2006]}}]}"#) == ["d3", "d6"])
        #expect(try ids(#"{"n.deep":true,"year":{"$lte":2003}}"#) == ["d0", "d2"])
        #expect(try ids(#"{"team":"green"}"#).isEmpty)
        #expect(try ids(#"{"team":"red"}"#, mode: .lexical).allSatisfy { Int($0.dropFirst())! % 3 == 0 })
        let hybrid = try ids(#"{"team":"red"}"#, mode: .hybrid)
        #expect(!hybrid.isEmpty && hybrid.allSatisfy { Int($0.dropFirst())! % 3 == 0 }, "one filter read serves both lists")
        // A selective filter still fills k.
        #expect(try ids(#"{"year":{"$in":[2001,2005,2009,2013]}}"#, k: 4).count == 4)
        for bad in [#"{"$or":[]}"#, #"{"year":{"$gt":"x"}}"#, #"{"a b":1}"#, #"[1]"#, #"{"year":{"$in":5}}"#] {
            #expect(throws: KuraError.self, "\(bad)") { try filter(bad) }
        }
    }

    /// An embedder that learnt no CJK (as the native MiniLM): hybrid ranks a Japanese query by its lexical
    /// list alone, and an English one by fusion still.
    struct EnglishOnly: Embedder {
        let inner: HashEmbedder
        var id: String { inner.id }
        var dimension: Int { inner.dimension }
        var tokenCounter: any TokenCounter { inner.tokenCounter }
        var coversCJK: Bool { false }
        func embed(_ texts: [String]) throws -> [[Float]] { try inner.embed(texts) }
    }

    @Test func hybridLeavesOutAnEmbedderThatCannotReadTheQuery() throws {
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let c = try collection()
        let english = EnglishOnly(inner: embedder)
        _ = try c.upsert([
            Record(id: "ja1", text: "ポッドのログを確認する方法", metadata: "{}", vector: embedder.vector("ポッドのログを確認する方法")),
            Record(id: "ja2", text: "ノードを退避させる手順とログ", metadata: "{}", vector: embedder.vector("ノードを退避させる手順とログ")),
        ])
        let r = Retriever(collection: c, embedder: english)
        func search(_ text: String, _ mode: Retriever.Mode) throws -> [Retriever.Result] {
            var q = Retriever.Query(text: text, k: 5)
            q.mode = mode
            return try r.search(q)
        }
        let lexical = try search("ログを確認", .lexical)
        #expect(lexical.first?.documentID == "ja1")
        #expect(try search("ログを確認", .hybrid) == lexical)
        #expect(try search("pods zeppelin", .hybrid) != search("pods zeppelin", .lexical), "English queries are fused")
        let both = Retriever(collection: c, embedder: embedder)
        var q = Retriever.Query(text: "ログを確認", k: 5)
        q.mode = .hybrid
        #expect(try both.search(q) != lexical, "an embedder that covers CJK is fused in")
    }

    @Test func modesAndFusion() throws {
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let r = Retriever(collection: try collection(), embedder: embedder)
        var q = Retriever.Query(text: "zeppelin", k: 3)
        q.mode = .lexical
        #expect(try r.search(q).map(\.documentID) == ["d7"])
        q.mode = .hybrid
        let hybrid = try r.search(q)
        #expect(hybrid.first?.documentID == "d7" && hybrid.count == 3)
        #expect(zip(hybrid, hybrid.dropFirst()).allSatisfy { $0.score >= $1.score })
        q.mode = .dense
        q.text = nil
        q.vector = embedder.vector("document 12 about pods and more pods")
        #expect(try r.search(q).first?.documentID == "d12")
        #expect(throws: KuraError.self) { try r.search(Retriever.Query(k: 3)) }

        let fused = Retriever.fuse([[1, 2, 3], [3, 4]], k: 60)
        #expect(fused.map(\.0) == [3, 1, 2, 4])
        #expect(abs(fused[0].1 - (1.0 / 63 + 1.0 / 61)) < 1e-12)
    }

    @Test func contextFitsTheBudgetWithCitations() throws {
        func result(_ id: Int64, _ doc: String, _ start: Int, _ text: String, _ score: Double, _ metadata: String = "{}") -> Retriever.Result {
            Retriever.Result(
                chunkID: id, documentID: doc, text: text, score: score, metadata: metadata, start: start, end: start + text.unicodeScalars.count)
        }
        let a1 = result(1, "a", 0, "alpha beta gamma ", 0.5, #"{"title":"Alpha"}"#)
        let a2 = result(2, "a", 11, "gamma delta epsilon", 0.9, #"{"title":"Alpha"}"#)  // overlaps a1 by "gamma "
        let b = result(3, "b", 0, String(repeating: "word ", count: 200), 0.7)
        let c = result(4, "c", 0, "short", 0.1)
        let assembler = ContextAssembler(counter: WordTokenCounter())
        let ctx = try assembler.assemble([a1, b, a2, c], budget: 60)
        #expect(ctx.citations.map(\.documentID) == ["a", "b"])  // b is cut to the room left
        #expect(ctx.citations[0].chunkIDs == [1, 2] && ctx.citations[0].start == 0 && ctx.citations[0].end == 30)
        // Markers carry the number and a title, never the document id: ids are in the citations.
        #expect(ctx.text.hasPrefix("[1] Alpha\nalpha beta gamma delta epsilon\n\n[2]\nword word"))
        #expect(ctx.tokens <= 60 && ctx.tokens >= 55 && ctx.tokens == WordTokenCounter().countTokens(ctx.text))
        let small = try assembler.assemble([a1, b, a2, c], budget: 14)  // no room to cut b: it is skipped, c fits
        #expect(small.citations.map(\.documentID) == ["a", "c"] && small.citations.map(\.n) == [1, 2])
        #expect(small.text.hasSuffix("[2]\nshort") && small.tokens <= 14)
        // The best passage alone over the budget is cut to fit rather than dropped.
        let cut = try assembler.assemble([b], budget: 10)
        #expect(cut.citations.map(\.documentID) == ["b"] && cut.tokens <= 10 && cut.text.hasPrefix("[1]\nword"))
        // A budget that holds not even the marker is an error naming the smallest useful budget.
        #expect(throws: KuraError.invalidArgument("budget_tokens 1 holds no passage; the smallest useful budget is 4")) {
            try assembler.assemble([b], budget: 1)
        }
        #expect(try assembler.assemble([], budget: 1).citations.isEmpty)
    }

    @Test func aContextOfKAITOStyleIdsSpendsItsBudgetOnText() throws {
        let ids = ["drain", "svc", "pod"].map { ContentHash.sha256($0) }
        let texts = ["kubectl drain evicts pods.", "A service gives pods an address.", "A pod is a group of containers."]
        let results = zip(ids, texts).enumerated().map { i, pair in
            Retriever.Result(chunkID: Int64(i + 1), documentID: pair.0, text: pair.1, score: 1 - Double(i) / 10, metadata: "{}", start: 0, end: pair.1.count)
        }
        let ctx = try ContextAssembler(counter: WordTokenCounter()).assemble(results, budget: 64)
        #expect(ctx.citations.map(\.documentID) == ids && !ctx.text.contains(ids[0]) && ctx.text.contains("kubectl drain"))
    }

    @Test func japaneseTextWithoutSpacesIsCutByCharacters() throws {
        let text = "オープンソース化は多くの開発者に歓迎された。"
        let r = Retriever.Result(chunkID: 1, documentID: "ja", text: text, score: 1, metadata: "{}", start: 0, end: text.count)
        struct PerCharacter: TokenCounter { func countTokens(_ text: String) -> Int { text.count } }
        let ctx = try ContextAssembler(counter: PerCharacter()).assemble([r], budget: 12)
        #expect(ctx.text == "[1]\nオープンソース化" && ctx.tokens <= 12)
    }

    /// Chunks merged into one passage cite every page they hold; slides and pages read from chunk metadata.
    @Test func citationsNameThePages() throws {
        #expect(PageSpan(chunkMetadata: #"{"page_end":3,"page_start":2}"#) == PageSpan(unit: .page, first: 2, last: 3))
        #expect(PageSpan(chunkMetadata: #"{"headings":["A"],"slide":4}"#)?.fields == ["slide": 4])
        #expect(PageSpan(chunkMetadata: #"{"headings":["slideshow"]}"#) == nil && PageSpan(chunkMetadata: "{}") == nil)
        func chunk(_ id: Int64, _ start: Int, _ text: String, _ pages: PageSpan?) -> Retriever.Result {
            Retriever.Result(
                chunkID: id, documentID: "manual.pdf", text: text, score: 1 / Double(id), metadata: "{}", start: start, end: start + text.unicodeScalars.count,
                pages: pages)
        }
        let results = [
            chunk(1, 0, "Segments are sealed ", PageSpan(unit: .page, first: 2, last: 2)),
            chunk(2, 20, "and mapped.", PageSpan(unit: .page, first: 3, last: 4)),
            chunk(3, 900, "Far away.", nil),
        ]
        let ctx = try ContextAssembler(counter: WordTokenCounter()).assemble(results, budget: 200)
        #expect(ctx.citations.map(\.pages) == [PageSpan(unit: .page, first: 2, last: 4), nil])
        #expect(ctx.citations[0].pages?.fields == ["page_start": 2, "page_end": 4] && ctx.citations[0].pages?.label == "pp. 2–4")
        #expect(PageSpan(unit: .page, first: 7, last: 7).label == "p. 7" && PageSpan(unit: .slide, first: 2, last: 3).label == "slides 2–3")
    }
}
