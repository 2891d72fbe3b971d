import Foundation
import KuraEmbed
import KuraTesting
import Testing

@testable import KuraIngest

/// Property tests of the chunker over seeded random documents: chunks in order cover the document and
/// rebuild it exactly, none is over the limit, and the result is deterministic.
@Suite struct ChunkerTests {
    static let words = ["pod", "node", "kubectl", "deployment", "the", "a", "replica", "service", "namespace", "volume", "x", "container."]

    static func document(_ rng: inout SeededRandom, format: TextFormat) -> String {
        var out = ""
        for p in 0..<Int(rng.next() % 12) {
            if format == .markdown && p % 3 == 0 { out += String(repeating: "#", count: 1 + Int(rng.next() % 3)) + " Heading \(p)\n\n" }
            if format == .code && p % 2 == 0 { out += "func f\(p)() {\n" }
            let sentences = 1 + Int(rng.next() % 8)
            for _ in 0..<sentences {
                let n = 1 + Int(rng.next() % 40)
                out += (0..<n).map { _ in words[Int(rng.next() % UInt64(words.count))] }.joined(separator: rng.next() % 9 == 0 ? "\n" : " ")
                out += ". "
            }
            if rng.next() % 7 == 0 { out += String(repeating: "z", count: Int(rng.next() % 900)) }  // one huge "word"
            if format == .code && p % 2 == 0 { out += "\n}" }
            out += rng.next() % 2 == 0 ? "\n\n" : "\n\n\n  \n"
        }
        return out
    }

    func check(_ text: String, _ chunks: [TextChunk], limit: Int, counter: any TokenCounter) {
        var rebuilt = String.UnicodeScalarView()
        var end = 0
        let scalars = Array(text.unicodeScalars)
        for c in chunks {
            #expect(c.start <= end, "gap before chunk at \(c.start)")
            #expect(c.start >= 0 && c.end <= scalars.count && c.start <= c.end)
            #expect(String(String.UnicodeScalarView(scalars[c.start..<c.end])) == c.text)
            #expect(counter.countTokens(c.embedText) <= limit, "chunk of \(counter.countTokens(c.embedText)) tokens")
            #expect(c.tokenCount == counter.countTokens(c.embedText))
            rebuilt.append(contentsOf: c.text.unicodeScalars.dropFirst(max(0, end - c.start)))
            end = max(end, c.end)
        }
        #expect(String(rebuilt) == text)
    }

    @Test(arguments: [TextFormat.plain, .markdown, .code])
    func chunksCoverTheDocumentWithinTheLimit(format: TextFormat) {
        var rng = SeededRandom(seed: 7 + UInt64(format.hashValue & 0xff))
        let counter = WordTokenCounter()
        for limit in [16, 64, 256] {
            let chunker = Chunker(maxTokens: limit, overlap: limit / 8, counter: counter)
            for _ in 0..<25 {
                let text = Self.document(&rng, format: format)
                let chunks = chunker.chunk(text, format: format)
                check(text, chunks, limit: limit, counter: counter)
                #expect(chunker.chunk(text, format: format) == chunks)
            }
        }
    }

    @Test func markdownHeadingsAreKeptAndPrepended() {
        let text = "# Pods\n\nA pod runs containers.\n\n## Lifecycle\n\nPods are created.\n\n```\n# not a heading\n```\n\n# Services\n\nExpose pods."
        let chunks = Chunker(maxTokens: 8, overlap: 0, counter: WordTokenCounter()).chunk(text, format: .markdown)
        let lifecycle = chunks.first { $0.text.contains("Pods are created") }!
        #expect(lifecycle.headings == ["Pods", "Lifecycle"])
        #expect(lifecycle.embedText.hasPrefix("Pods > Lifecycle\n\n"))
        #expect(chunks.contains { $0.text.contains("# not a heading") && $0.headings == ["Pods", "Lifecycle"] })
        #expect(chunks.last!.headings == ["Services"])
    }

    @Test func codeSplitsBetweenTopLevelDefinitions() {
        let text = "func a() {\n    one()\n\n    two()\n}\n\nfunc b() {\n    three()\n}\n"
        let sections = TextSections.code(Array(text.unicodeScalars))
        #expect(sections.count == 2)
        #expect(String(String.UnicodeScalarView(Array(text.unicodeScalars)[sections[1].range])).hasPrefix("func b()"))
    }

    @Test func overlapRepeatsTheEndOfThePreviousChunk() {
        let text = (0..<200).map { "w\($0)" }.joined(separator: " ")
        let chunks = Chunker(maxTokens: 50, overlap: 10, counter: WordTokenCounter()).chunk(text)
        #expect(chunks.count > 3)
        for (a, b) in zip(chunks, chunks.dropFirst()) {
            #expect(b.start < a.end && a.end - b.start > 0)
            let shared = Array(text.unicodeScalars)[b.start..<a.end]
            #expect(WordTokenCounter().countTokens(String(String.UnicodeScalarView(shared))) <= 10)
        }
    }

    @Test func aTitleHeadsEveryChunk() {
        let text = (0..<60).map { "w\($0)" }.joined(separator: " ")
        let chunks = Chunker(maxTokens: 20, overlap: 0, counter: WordTokenCounter()).chunk(text, title: "Pod lifecycle")
        #expect(chunks.count > 2 && chunks.allSatisfy { $0.headings == ["Pod lifecycle"] && $0.embedText.hasPrefix("Pod lifecycle\n\n") })
        #expect(chunks.allSatisfy { $0.tokenCount <= 20 })
    }

    @Test func emptyTextIsOneEmptyChunk() {
        let chunks = Chunker(counter: WordTokenCounter()).chunk("")
        #expect(chunks.count == 1 && chunks[0].text == "" && chunks[0].start == 0 && chunks[0].end == 0)
    }
}

@Suite struct RestructuredTextTests {
    @Test func titlesBecomeHeadingPaths() {
        let text =
            "=====\nPods\n=====\n\nIntro text.\n\nLifecycle\n---------\n\nPhases here.\n\n.. note::\n   indented\n\nProbes\n------\n\nLiveness.\n\nServices\n========\n\nA third style, so one level deeper.\n"
        let sections = TextSections.restructuredText(Array(text.unicodeScalars))
        #expect(sections.map(\.headings) == [["Pods"], ["Pods", "Lifecycle"], ["Pods", "Probes"], ["Pods", "Probes", "Services"]])
        #expect(sections.first?.range.lowerBound == 0 && sections.last?.range.upperBound == text.unicodeScalars.count)
        let chunks = Chunker(maxTokens: 64, overlap: 0, counter: WordTokenCounter()).chunk(text, format: .restructuredText)
        #expect(chunks.contains { $0.embedText.hasPrefix("Pods > Probes\n\n") })
    }
}
