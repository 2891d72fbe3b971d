import Foundation
import KuraEmbed
import Testing

/// The native embedder against the numpy reference in shared/fixtures: identical token ids for every
/// input, cosine ≥ 0.9999 and max |diff| ≤ 1e-4 for every embedding, one at a time and batched.
@Suite struct MiniLMReferenceTests {
    static let embedder: MiniLMEmbedder? = try? MiniLMEmbedder(modelDirectory: ModelFiles.modelDirectory, threads: 2)

    func model() throws -> MiniLMEmbedder {
        try #require(Self.embedder, "no model at \(ModelFiles.modelDirectory.path): run `make model`")
    }

    @Test func tokenIdsMatchTheReference() throws {
        let tokenizer = try model().tokenizer
        for c in try ModelFiles.reference().cases {
            #expect(tokenizer.encode(c.text) == c.tokenIds, "token ids differ for case \(c.name)")
        }
    }

    @Test func embeddingsMatchTheReference() throws {
        let embedder = try model()
        let cases = try ModelFiles.reference().cases
        let batched = try embedder.embed(cases.map(\.text))
        for (c, got) in zip(cases, batched) {
            let single = try embedder.embed([c.text])[0]
            for v in [got, single] {
                let want = c.embedding.map(Float.init)
                let cosine = zip(v, want).reduce(Float(0)) { $0 + $1.0 * $1.1 }
                let maxDiff = zip(v, want).map { abs($0 - $1) }.max() ?? 0
                #expect(v.count == 384)
                #expect(cosine >= 0.9999, "case \(c.name): cosine \(cosine)")
                #expect(maxDiff <= 1e-4, "case \(c.name): max |diff| \(maxDiff)")
            }
        }
    }

    @Test func threadsDoNotChangeResults() throws {
        let cases = try ModelFiles.reference().cases.map(\.text)
        let texts = Array(repeating: cases, count: 3).flatMap { $0 }
        let two = try model().embed(texts)
        let one = try MiniLMEmbedder(modelDirectory: ModelFiles.modelDirectory, threads: 1).embed(texts)
        #expect(one == two)
    }

    @Test func aMissingModelIsAClearError() {
        #expect(throws: (any Error).self) { try MiniLMEmbedder(modelDirectory: URL(fileURLWithPath: "/nonexistent")) }
        do {
            _ = try MiniLMEmbedder(modelDirectory: URL(fileURLWithPath: "/nonexistent"))
        } catch {
            #expect("\(error)".contains("make model"))
        }
    }
}
