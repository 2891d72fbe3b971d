import CStemmer

/// Snowball's English stemmer (libstemmer). A stemmer instance is not thread-safe, so they are pooled.
final class Stemmer: Sendable {
    static let english = Stemmer()

    private let pool = Pool<OpaquePointer> { sb_stemmer_new("english", "UTF_8") }

    /// The stem of a lower-case word; words outside Latin script are returned as they are.
    func stem(_ word: String) -> String {
        guard word.unicodeScalars.allSatisfy({ $0.value < 0x250 }), word.unicodeScalars.contains(where: { $0.properties.isAlphabetic }) else {
            return word
        }
        return pool.with { stem(word, $0) } ?? word
    }

    private func stem(_ word: String, _ st: OpaquePointer) -> String {
        var word = word
        return word.withUTF8 { utf8 in
            guard let out = sb_stemmer_stem(st, utf8.baseAddress, Int32(utf8.count)) else { return String(decoding: utf8, as: UTF8.self) }
            return String(decoding: UnsafeBufferPointer(start: out, count: Int(sb_stemmer_length(st))), as: UTF8.self)
        }
    }
}
