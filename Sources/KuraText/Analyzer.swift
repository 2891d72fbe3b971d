import KuraCore

/// Turns text into the terms the lexical index stores and queries look up. The same analyzer runs on
/// both sides, so a query matches what was indexed exactly when they share terms.
public protocol Analyzer: Sendable {
    var name: AnalyzerName { get }
    /// The terms of `text`, in order, repeats kept (their count is the term frequency).
    func terms(_ text: String) -> [String]
}

/// Limits every analyzer keeps.
enum Terms {
    /// Longer "words" (hashes, base64, minified code) are dropped: nobody searches for them by typing.
    static let maxLength = 64

    /// Marks a bigram of `auto`, so that it never counts as the MeCab word with the same two characters.
    static let bigramMark: Character = "\u{2}"
}
