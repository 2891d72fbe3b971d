import Foundation
import KuraCore
import KuraEmbed
import KuraStore

/// Turns search results into a prompt context within a token budget, with numbered citations:
/// chunks of one document that overlap or touch are merged into one passage; passages go best first
/// while they fit (the last one cut at a word boundary if enough room is left); each is marked `[n]`.
public struct ContextAssembler: Sendable {
    /// One passage of the context, numbered as its marker.
    public struct Citation: Sendable, Equatable {
        /// The passage's number, `[n]` in the text, from 1.
        public var n: Int
        /// The document the passage comes from.
        public var documentID: String
        /// The chunks merged into it.
        public var chunkIDs: [Int64]
        /// Where the passage starts in its document, in Unicode scalars.
        public var start: Int
        /// Where it ends (exclusive; earlier when the passage was cut).
        public var end: Int
        /// The best score of its chunks.
        public var score: Double
        /// The document's metadata, a JSON object as text.
        public var metadata: String
        /// The pages or slides the passage holds, when its document has them: what a model cites.
        public var pages: PageSpan? = nil
    }

    /// An assembled context.
    public struct Context: Sendable, Equatable {
        /// The passages with their markers, best first.
        public var text: String
        /// Tokens of `text`, as the counter counts them (within the budget).
        public var tokens: Int
        /// One citation per passage, in the text's order.
        public var citations: [Citation]
        /// Set when there were passages but the budget held none of them, not even cut: the smallest
        /// budget that would have held the best one's marker and first word.
        public var smallestUsefulBudget: Int?
    }

    struct Passage {
        var documentID: String
        var chunkIDs: [Int64]
        var start: Int
        var end: Int
        var text: String
        var score: Double
        var metadata: String
        var pages: PageSpan?
    }

    /// Counts tokens against the budget (the embedder's, or the chat model's estimate).
    public let counter: any TokenCounter
    /// A passage is cut to fit only if at least this many tokens of it would remain.
    public var minimumCut = 24

    /// An assembler counting with `counter`.
    public init(counter: any TokenCounter) { self.counter = counter }

    /// Fits `results` into `budget` tokens. Each passage is headed by a short marker, `[n]` and the
    /// document's title when its metadata has one; document ids, offsets and scores go to the citations,
    /// not the budget. The best passage is cut to fit when it alone is over the budget.
    ///
    /// - Throws: `KuraError.invalidArgument` naming the smallest useful budget when there are passages but
    ///   the budget holds none of them, so a context is never empty without a reason.
    public func assemble(_ results: [Retriever.Result], budget: Int) throws -> Context {
        let context = pack(results, budget: budget)
        if let smallest = context.smallestUsefulBudget {
            throw KuraError.invalidArgument("budget_tokens \(budget) holds no passage; the smallest useful budget is \(smallest)")
        }
        return context
    }

    /// `assemble` without the check: an empty context with ``Context/smallestUsefulBudget`` set when the
    /// budget held no passage.
    public func pack(_ results: [Retriever.Result], budget: Int) -> Context {
        var parts: [String] = []
        var citations: [Citation] = []
        var used = 0
        var smallest: Int?
        for p in merge(results) {
            let n = citations.count + 1
            let header = Self.marker(n, metadata: p.metadata) + "\n"
            let separator = parts.isEmpty ? 0 : counter.countTokens("\n\n") + 1
            let overhead = counter.countTokens(header) + separator
            let room = budget - used - overhead
            guard room > 0 || parts.isEmpty else { break }
            var body = p.text.trimmingCharacters(in: .whitespacesAndNewlines)
            var tokens = counter.countTokens(body)
            if tokens > room {
                // Later passages are cut only when enough of them is left to be worth reading.
                let cutBody = room >= (parts.isEmpty ? 1 : minimumCut) ? cut(body, to: room) : ""
                guard !cutBody.isEmpty else {
                    // The best passage's first character does not fit: neither will any other's.
                    if parts.isEmpty {
                        smallest = overhead + counter.countTokens(String(body.prefix(1)))
                        break
                    }
                    continue
                }
                body = cutBody
                tokens = counter.countTokens(body)
            }
            parts.append(header + body)
            used += overhead + tokens
            citations.append(
                Citation(n: n, documentID: p.documentID, chunkIDs: p.chunkIDs, start: p.start, end: p.end, score: p.score, metadata: p.metadata, pages: p.pages)
            )
        }
        let text = parts.joined(separator: "\n\n")
        return Context(text: text, tokens: counter.countTokens(text), citations: citations, smallestUsefulBudget: smallest)
    }

    /// `[n]`, with the document's title (its metadata's `title`, at most 80 characters) when it has one.
    static func marker(_ n: Int, metadata: String) -> String {
        guard let object = try? JSONSerialization.jsonObject(with: Data(metadata.utf8)) as? [String: Any],
            let title = (object["title"] as? String)?.trimmingCharacters(in: .whitespacesAndNewlines), !title.isEmpty
        else { return "[\(n)]" }
        let line = title.split(whereSeparator: \.isNewline).joined(separator: " ")
        return "[\(n)] " + (line.count > 80 ? line.prefix(79) + "…" : line)
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
                    last.pages = PageSpan.union(last.pages, r.pages)
                    passages[passages.count - 1] = last
                } else {
                    passages.append(
                        Passage(
                            documentID: doc, chunkIDs: [r.chunkID], start: r.start, end: r.end, text: r.text, score: r.score, metadata: r.metadata,
                            pages: r.pages))
                }
            }
        }
        return passages.enumerated().sorted { $0.element.score != $1.element.score ? $0.element.score > $1.element.score : $0.offset < $1.offset }
            .map(\.element)
    }

    /// The longest prefix, ending at a word boundary, of at most `tokens` tokens; when not even the first
    /// word fits (text without spaces, such as Japanese), the longest prefix of whole characters.
    func cut(_ text: String, to tokens: Int) -> String {
        let words = text.split(separator: " ", omittingEmptySubsequences: false)
        let n = longestPrefix(words.count) { counter.countTokens(words[..<$0].joined(separator: " ")) <= tokens }
        if n > 0 { return words[..<n].joined(separator: " ") }
        let characters = Array(text)
        return String(characters[..<longestPrefix(characters.count) { counter.countTokens(String(characters[..<$0])) <= tokens }])
    }

    /// The largest n in 0...count for which `fits(n)` holds, `fits` being true up to some n and false after.
    private func longestPrefix(_ count: Int, _ fits: (Int) -> Bool) -> Int {
        var lo = 0, hi = count
        while lo < hi {
            let mid = (lo + hi + 1) / 2
            if fits(mid) { lo = mid } else { hi = mid - 1 }
        }
        return lo
    }
}
