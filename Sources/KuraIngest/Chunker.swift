import Foundation
import KuraEmbed

/// A token-aware recursive splitter. Sections (markdown headings, code definitions) are split into
/// paragraphs, paragraphs into sentences (lines, for code), sentences into words, and words into
/// characters, only as far as needed to fit the token limit; the pieces are then packed greedily into
/// chunks. Each chunk after the first in a section starts with up to `overlap` tokens of the one before.
///
/// Chunks are contiguous and in order: together they cover the document, which is rebuilt exactly from
/// their spans. No chunk's embedded text exceeds `maxTokens`, and the same input always gives the same
/// chunks.
public struct Chunker: Sendable {
    /// Tokens a chunk's embedded text holds at most (at least 8).
    public var maxTokens: Int
    /// Tokens of the chunk before that a chunk repeats at most (at most half of `maxTokens`).
    public var overlap: Int
    /// Counts tokens as the embedder does.
    public let counter: any TokenCounter

    /// A chunker; `maxTokens` and `overlap` are brought into the ranges above.
    public init(maxTokens: Int = 256, overlap: Int = 32, counter: any TokenCounter) {
        self.maxTokens = max(8, maxTokens)
        self.overlap = max(0, min(overlap, self.maxTokens / 2))
        self.counter = counter
    }

    struct Piece {
        var range: Range<Int>
        var tokens: Int
    }

    enum Level: Int, CaseIterable {
        case paragraph, sentence, word, character
    }

    /// Chunks `text`; a document `title`, when given, heads every chunk's heading path, so each chunk
    /// carries what the whole document is about.
    public func chunk(_ text: String, format: TextFormat = .plain, title: String? = nil) -> [TextChunk] {
        let s = Array(text.unicodeScalars)
        var out: [TextChunk] = []
        for var section in TextSections.split(s, format: format) where !section.range.isEmpty {
            if let title, !title.isEmpty, section.headings.first != title { section.headings.insert(title, at: 0) }
            let prefix = boundedPrefix(section.headings.joined(separator: " > "))
            let prefixTokens = prefix.isEmpty ? 0 : counter.countTokens(prefix)
            let limit = max(4, maxTokens - prefixTokens)
            let pieces = split(s, section.range, level: .paragraph, limit: limit, format: format)
            for range in pack(s, pieces, limit: limit) {
                out.append(makeChunk(s, range, headings: section.headings, prefix: prefix))
            }
        }
        if out.isEmpty { out.append(makeChunk(s, 0..<s.count, headings: [], prefix: "")) }
        return out
    }

    /// The heading path cut to at most half the chunk budget (a heading line can be a whole paragraph,
    /// and the chunk's own text must still fit): the longest start of it that fits.
    func boundedPrefix(_ prefix: String) -> String {
        let budget = maxTokens / 2
        guard !prefix.isEmpty, counter.countTokens(prefix) > budget else { return prefix }
        let s = Array(prefix.unicodeScalars)
        var lo = 0, hi = s.count
        while lo < hi {
            let mid = (lo + hi + 1) / 2
            if tokens(s, 0..<mid) <= budget { lo = mid } else { hi = mid - 1 }
        }
        return string(s, 0..<lo).trimmingCharacters(in: .whitespaces)
    }

    private func makeChunk(_ s: [Unicode.Scalar], _ range: Range<Int>, headings: [String], prefix: String) -> TextChunk {
        let text = string(s, range)
        let body = text.trimmingCharacters(in: .whitespacesAndNewlines)
        let embed = prefix.isEmpty ? body : prefix + "\n\n" + body
        return TextChunk(
            text: text, start: range.lowerBound, end: range.upperBound, tokenCount: counter.countTokens(embed), headings: headings, embedText: embed)
    }

    func string(_ s: [Unicode.Scalar], _ r: Range<Int>) -> String { String(String.UnicodeScalarView(s[r])) }

    func tokens(_ s: [Unicode.Scalar], _ r: Range<Int>) -> Int { counter.countTokens(string(s, r)) }

    /// Pieces of at most `limit` tokens covering `range`, split no finer than needed.
    func split(_ s: [Unicode.Scalar], _ range: Range<Int>, level: Level, limit: Int, format: TextFormat) -> [Piece] {
        let n = tokens(s, range)
        if n <= limit { return [Piece(range: range, tokens: n)] }
        let parts = boundaries(s, range, level: level, format: format)
        guard let finer = Level(rawValue: level.rawValue + 1) else {
            return parts.map { Piece(range: $0, tokens: tokens(s, $0)) }
        }
        if parts.count <= 1 { return split(s, range, level: finer, limit: limit, format: format) }
        return parts.flatMap { split(s, $0, level: finer, limit: limit, format: format) }
    }

    /// Contiguous sub-ranges at one level; each separator stays with the text before it.
    func boundaries(_ s: [Unicode.Scalar], _ range: Range<Int>, level: Level, format: TextFormat) -> [Range<Int>] {
        var cuts: [Int] = []
        var i = range.lowerBound
        switch level {
        case .paragraph:  // after a run of blank lines
            var lineStart = range.lowerBound
            var blankRun = false
            while i < range.upperBound {
                if s[i] == "\n" {
                    let blank = s[lineStart..<i].allSatisfy { $0.properties.isWhitespace }
                    if blank {
                        blankRun = true
                    } else if blankRun, lineStart > range.lowerBound {
                        cuts.append(lineStart)
                        blankRun = false
                    } else {
                        blankRun = false
                    }
                    lineStart = i + 1
                }
                i += 1
            }
            if blankRun, lineStart < range.upperBound, lineStart > range.lowerBound { cuts.append(lineStart) }
        case .sentence:  // after ". ", "! ", "? " and newlines (for code: newlines only)
            while i < range.upperBound - 1 {
                let c = s[i], next = s[i + 1]
                if c == "\n" || (format != .code && (c == "." || c == "!" || c == "?") && next.properties.isWhitespace) {
                    var j = i + 1
                    while j < range.upperBound, s[j].properties.isWhitespace { j += 1 }
                    if j < range.upperBound { cuts.append(j) }
                    i = j
                } else {
                    i += 1
                }
            }
        case .word:  // after each run of whitespace
            while i < range.upperBound {
                if s[i].properties.isWhitespace {
                    var j = i
                    while j < range.upperBound, s[j].properties.isWhitespace { j += 1 }
                    if j < range.upperBound { cuts.append(j) }
                    i = j
                } else {
                    i += 1
                }
            }
        case .character:  // fixed runs short enough that each counts under the limit
            var j = range.lowerBound + 16
            while j < range.upperBound {
                cuts.append(j)
                j += 16
            }
        }
        var out: [Range<Int>] = []
        var start = range.lowerBound
        for c in cuts where c > start && c < range.upperBound {
            out.append(start..<c)
            start = c
        }
        out.append(start..<range.upperBound)
        return out
    }

    /// Greedy packing of pieces into chunk ranges of at most `limit` tokens, with overlap.
    func pack(_ s: [Unicode.Scalar], _ pieces: [Piece], limit: Int) -> [Range<Int>] {
        var out: [Range<Int>] = []
        var start = pieces.first?.range.lowerBound ?? 0
        var end = start
        var used = 0
        for p in pieces {
            if used + p.tokens > limit, end > start {
                out.append(start..<end)
                start = overlapStart(s, start..<end, budget: min(overlap, limit - p.tokens))
                used = start < end ? tokens(s, start..<end) : 0
            }
            end = p.range.upperBound
            used += p.tokens
        }
        if end > start || out.isEmpty { out.append(start..<end) }
        return verified(s, out, limit: limit)
    }

    /// The earliest word start in `range` from which the rest has at most `budget` tokens.
    func overlapStart(_ s: [Unicode.Scalar], _ range: Range<Int>, budget: Int) -> Int {
        guard budget > 0 else { return range.upperBound }
        var best = range.upperBound
        var i = range.upperBound - 1
        var words = 0
        while i > range.lowerBound {
            if s[i - 1].properties.isWhitespace && !s[i].properties.isWhitespace {
                words += 1
                if tokens(s, i..<range.upperBound) > budget { break }
                best = i
                if words > budget { break }
            }
            i -= 1
        }
        return best
    }

    /// Token counts of joined pieces can exceed their sum where a split fell inside a word; such a
    /// chunk is halved until it fits.
    func verified(_ s: [Unicode.Scalar], _ ranges: [Range<Int>], limit: Int) -> [Range<Int>] {
        ranges.flatMap { r -> [Range<Int>] in
            if r.count <= 1 || tokens(s, r) <= limit { return [r] }
            let mid = r.lowerBound + r.count / 2
            return verified(s, [r.lowerBound..<mid, mid..<r.upperBound], limit: limit)
        }
    }
}
