import Foundation
import KuraEmbed

/// A piece of a document ready to embed.
public struct TextChunk: Equatable, Sendable {
    /// The exact span of the document (offsets in Unicode scalars, `end` exclusive).
    public var text: String
    /// Where the span starts in the document, in Unicode scalars.
    public var start: Int
    /// Where it ends (exclusive).
    public var end: Int
    /// Tokens of `embedText`, as the embedder's tokenizer counts them.
    public var tokenCount: Int
    /// Markdown headings above the chunk, outermost first.
    public var headings: [String]
    /// What is embedded: the heading path, a blank line, then the chunk's text.
    public var embedText: String
}
