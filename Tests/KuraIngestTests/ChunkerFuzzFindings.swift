import Foundation
import KuraEmbed
import Testing

@testable import KuraIngest

/// Inputs libFuzzer found (Tests/Reliability/fuzz-native.sh), kept as regression tests.
@Suite struct ChunkerFuzzFindings {
    /// A markdown heading line of 50 "words" (NULs, replacement characters) made every chunk's heading path
    /// alone exceed the limit.
    @Test func aHeadingLongerThanTheBudgetIsCut() throws {
        let b64 = "IyBUaXRvAAAAAAAAAAAAALQAAAAAAHUAAAAAAAAAAAAAAAAAAAAAAJQoKm1hcmtkbzkAAABJbv///1J0d2l0aCBgY29kZWAuCgojIyBTZWN0aW9uCgpUZXh0Lgo="
        let text = String(decoding: try #require(Data(base64Encoded: b64)), as: UTF8.self)
        let scalars = Array(text.unicodeScalars)
        let counter = WordTokenCounter()
        let chunker = Chunker(maxTokens: 24, overlap: 4, counter: counter)
        for format in [TextFormat.plain, .markdown, .restructuredText, .code] {
            var covered = 0
            for c in chunker.chunk(text, format: format, title: "t") {
                #expect(c.start <= covered && c.end <= scalars.count, "\(format)")
                #expect(counter.countTokens(c.embedText) <= 24, "\(format): \(counter.countTokens(c.embedText)) tokens")
                covered = max(covered, c.end)
            }
            #expect(covered == scalars.count, "\(format)")
        }
        let long = "# " + Array(repeating: "word", count: 100).joined(separator: " ") + "\n\nBody text here."
        let chunks = chunker.chunk(long, format: .markdown)
        #expect(chunks.allSatisfy { counter.countTokens($0.embedText) <= 24 } && chunks.last?.embedText.hasSuffix("Body text here.") == true)
    }
}
