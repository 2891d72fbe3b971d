import Foundation
import KuraEmbed

/// Turns search results into a prompt context within a token budget, with numbered citations:
/// chunks of one document that overlap or touch are merged into one passage; passages go best first
/// while they fit (the last one cut at a word boundary if enough room is left); each is marked `[n]`.
public struct ContextAssembler: Sendable {
    public struct Citation: Sendable, Equatable {
        public var n: Int
        public var documentID: String
        public var chunkIDs: [Int64]
        public var start: Int
        public var end: Int
        public var score: Double
        public var metadata: String
    }

    public struct Context: Sendable, Equatable {
        public var text: String
        public var tokens: Int
        public var citations: [Citation]
    }

    struct Passage {
        var documentID: String
        var chunkIDs: [Int64]
        var start: Int
        var end: Int
        var text: String
        var score: Double
        var metadata: String
    }

    public let counter: any TokenCounter
    /// A passage is cut to fit only if at least this many tokens of it would remain.
    public var minimumCut = 24

    public init(counter: any TokenCounter) { self.counter = counter }

    public func assemble(_ results: [Retriever.Result], budget: Int) -> Context {
        var parts: [String] = []
        var citations: [Citation] = []
        var used = 0
        for p in merge(results) {
            let n = citations.count + 1
            let header = "[\(n)] \(p.documentID)\n"
            let separator = parts.isEmpty ? 0 : counter.countTokens("\n\n") + 1
            let overhead = counter.countTokens(header) + separator
            let room = budget - used - overhead
            guard room > 0 else { break }
            var body = p.text.trimmingCharacters(in: .whitespacesAndNewlines)
            var tokens = counter.countTokens(body)
            if tokens > room {
                guard room >= minimumCut else { continue }
                body = cut(body, to: room)
                tokens = counter.countTokens(body)
            }
            parts.append(header + body)
            used += overhead + tokens
            citations.append(Citation(n: n, documentID: p.documentID, chunkIDs: p.chunkIDs, start: p.start, end: p.end, score: p.score, metadata: p.metadata))
        }
        let text = parts.joined(separator: "\n\n")
        return Context(text: text, tokens: counter.countTokens(text), citations: citations)
    }

    /// Groups by document, merges overlapping or adjacent spans, and orders passages by best score.
    func merge(_ results: [Retriever.Result]) -> [Passage] {
        var byDoc: [String: [Retriever.Result]] = [:]
        var order: [String] = []
        for r in results {
            if byDoc[r.documentID] == nil { order.append(r.documentID) }
            byDoc[r.documentID, default: []].append(r)
        }
        var passages: [Passage] = []
        for doc in order {
            for r in byDoc[doc]!.sorted(by: { $0.start < $1.start }) {
                if var last = passages.last, last.documentID == doc, r.start <= last.end {
                    if r.end > last.end {
                        last.text.unicodeScalars.append(contentsOf: r.text.unicodeScalars.dropFirst(last.end - r.start))
                        last.end = r.end
                    }
                    last.chunkIDs.append(r.chunkID)
                    last.score = max(last.score, r.score)
                    passages[passages.count - 1] = last
                } else {
                    passages.append(
                        Passage(documentID: doc, chunkIDs: [r.chunkID], start: r.start, end: r.end, text: r.text, score: r.score, metadata: r.metadata))
                }
            }
        }
        return passages.enumerated().sorted { $0.element.score != $1.element.score ? $0.element.score > $1.element.score : $0.offset < $1.offset }
            .map(\.element)
    }

    /// The longest prefix, ending at a word boundary, of at most `tokens` tokens.
    func cut(_ text: String, to tokens: Int) -> String {
        let words = text.split(separator: " ", omittingEmptySubsequences: false)
        var lo = 0, hi = words.count
        while lo < hi {
            let mid = (lo + hi + 1) / 2
            if counter.countTokens(words[..<mid].joined(separator: " ")) <= tokens { lo = mid } else { hi = mid - 1 }
        }
        return words[..<lo].joined(separator: " ")
    }
}
