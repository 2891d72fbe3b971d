import Foundation
import Testing

@testable import KuraRetrieval
@testable import KuraServer

/// The query route's hand-written JSON must read back exactly as the generic serialiser's.
@Suite struct JSONWriterTests {
    @Test func resultsRoundTripWithEveryEscape() throws {
        let texts = [
            "plain", "quote \" and backslash \\ and slash /", "lines\nand\ttabs\r", "control \u{01}\u{1F}", "unicode é ü 漢字 🚀", "", "\u{7F} del",
        ]
        let results = texts.enumerated().map { i, t in
            Retriever.Result(
                chunkID: Int64(i) * 1_000_000_007, documentID: "doc \"\(i)\"\n", text: t, score: [0.5, -1e-9, 123456.789, 0][i % 4],
                metadata: i == 0 ? "" : #"{"a":[1,2,{"b":"c\"d"}],"n":null}"#, start: i, end: i * 10)
        }
        let bytes = JSONWriter.results(results)
        let parsed = try #require(try JSONSerialization.jsonObject(with: Data(bytes)) as? [String: Any])
        let expected = ["results": try results.map(ResultJSON.object)] as [String: Any]
        #expect(NSDictionary(dictionary: parsed).isEqual(to: expected))
        #expect(String(decoding: JSONWriter.results([]), as: UTF8.self) == #"{"results":[]}"#)
    }

    @Test func nonFiniteScoresBecomeNull() throws {
        var w = JSONWriter()
        w.number(Double.nan)
        w.raw(",")
        w.number(Double.infinity)
        w.raw(",")
        w.number(-0.25)
        #expect(String(decoding: w.bytes, as: UTF8.self) == "null,null,-0.25")
    }
}
