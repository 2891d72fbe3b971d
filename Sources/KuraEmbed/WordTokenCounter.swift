/// A token count for embedders without a tokenizer of their own: words and punctuation marks, which is
/// within a few percent of WordPiece on English prose.
public struct WordTokenCounter: TokenCounter {
    /// A counter (it holds no state).
    public init() {}

    /// Words (runs of letters and digits) plus punctuation marks in `text`.
    public func countTokens(_ text: String) -> Int {
        var n = 0
        var inWord = false
        for u in text.unicodeScalars {
            if u.properties.isWhitespace {
                inWord = false
            } else if u.properties.isAlphabetic || u.properties.numericType != nil {
                if !inWord { n += 1 }
                inWord = true
            } else {
                n += 1
                inWord = false
            }
        }
        return n
    }
}
