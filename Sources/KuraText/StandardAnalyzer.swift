/// UAX #29 words of the NFKC-case-folded text, stemmed with Snowball's English stemmer unless asked not
/// to. Ideographs and kana come out as ICU's dictionary words.
struct StandardAnalyzer: Analyzer {
    let stem: Bool

    var name: AnalyzerName { stem ? .standard : .standardNoStem }

    func terms(_ text: String) -> [String] {
        var out: [String] = []
        append(Normalizer.normalize(text)[...], to: &out)
        return out
    }

    /// Appends the terms of an already normalised stretch of UTF-8 text.
    func append(_ normalized: ArraySlice<UInt8>, to out: inout [String]) {
        let words = WordBreaker.shared.words(normalized)
        normalized.withUnsafeBufferPointer { bytes in
            let base = normalized.startIndex
            if stem {
                Stemmer.english.batch { stem in
                    for r in words where Self.fits(bytes, r, base) {
                        out.append(stem(UnsafeBufferPointer(rebasing: bytes[(r.lowerBound - base)..<(r.upperBound - base)])))
                    }
                }
            } else {
                for r in words where Self.fits(bytes, r, base) {
                    out.append(String(decoding: UnsafeBufferPointer(rebasing: bytes[(r.lowerBound - base)..<(r.upperBound - base)]), as: UTF8.self))
                }
            }
        }
    }

    /// At most `Terms.maxLength` characters: scalars are counted as the bytes that do not continue one.
    static func fits(_ bytes: UnsafeBufferPointer<UInt8>, _ r: Range<Int>, _ base: Int) -> Bool {
        guard r.count > Terms.maxLength else { return true }
        var scalars = 0
        for i in (r.lowerBound - base)..<(r.upperBound - base) where bytes[i] & 0xC0 != 0x80 { scalars += 1 }
        return scalars <= Terms.maxLength
    }
}
