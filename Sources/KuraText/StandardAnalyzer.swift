/// UAX #29 words of the NFKC-case-folded text, stemmed with Snowball's English stemmer unless asked not
/// to. Ideographs and kana come out as ICU's dictionary words.
struct StandardAnalyzer: Analyzer {
    let stem: Bool

    var name: AnalyzerName { stem ? .standard : .standardNoStem }

    func terms(_ text: String) -> [String] {
        let normalized = Normalizer.normalize(text)
        return words(normalized[...])
    }

    /// The terms of an already normalised stretch of text.
    func words(_ normalized: ArraySlice<UInt16>) -> [String] {
        WordBreaker.shared.words(normalized).compactMap { range in
            guard range.count <= 2 * Terms.maxLength else { return nil }
            let word = String(decoding: normalized[range], as: UTF16.self)
            guard word.unicodeScalars.count <= Terms.maxLength else { return nil }
            return stem ? Stemmer.english.stem(word) : word
        }
    }
}
