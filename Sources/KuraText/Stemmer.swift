import CStemmer

/// Snowball's English stemmer (libstemmer). A stemmer instance is not thread-safe, so they are pooled,
/// and one is borrowed for all the words of a text.
final class Stemmer: Sendable {
    static let english = Stemmer()

    private let pool = Pool<OpaquePointer> { sb_stemmer_new("english", "UTF_8") }

    /// Runs `body` with a function that stems one lower-case UTF-8 word (words outside Latin script come
    /// back as they are).
    func batch<T>(_ body: ((UnsafeBufferPointer<UInt8>) -> String) -> T) -> T {
        pool.with { st in body { Self.stem($0, st) } } ?? body { String(decoding: $0, as: UTF8.self) }
    }

    func stem(_ word: String) -> String {
        var word = word
        return word.withUTF8 { utf8 in batch { $0(utf8) } }
    }

    private static func stem(_ word: UnsafeBufferPointer<UInt8>, _ st: OpaquePointer) -> String {
        var letters = false
        for b in word {
            if b >= 0x80 { return latinStem(word, st) }
            if b >= 0x61 && b <= 0x7A { letters = true }
        }
        // Numbers and identifiers without letters stay as they are.
        guard letters, let out = sb_stemmer_stem(st, word.baseAddress, Int32(word.count)) else { return String(decoding: word, as: UTF8.self) }
        return String(decoding: UnsafeBufferPointer(start: out, count: Int(sb_stemmer_length(st))), as: UTF8.self)
    }

    /// Non-ASCII words are stemmed only when all of their letters are Latin.
    private static func latinStem(_ word: UnsafeBufferPointer<UInt8>, _ st: OpaquePointer) -> String {
        let s = String(decoding: word, as: UTF8.self)
        guard s.unicodeScalars.allSatisfy({ $0.value < 0x250 }), let out = sb_stemmer_stem(st, word.baseAddress, Int32(word.count)) else { return s }
        return String(decoding: UnsafeBufferPointer(start: out, count: Int(sb_stemmer_length(st))), as: UTF8.self)
    }
}
