import CICU

/// UAX #29 word boundaries through ICU, over UTF-8: the letter, number, kana and ideograph segments of a
/// text, spaces and punctuation left out. ICU's iterators are not thread-safe, so they are pooled.
final class WordBreaker: Sendable {
    static let shared = WordBreaker()

    private let pool = Pool<OpaquePointer> { kura_words_new() }

    /// The word segments of `text` (UTF-8) as ranges of it.
    func words(_ text: ArraySlice<UInt8>) -> [Range<Int>] {
        guard !text.isEmpty else { return [] }
        // ICU counts in Int32: a text it cannot take (over a gigabyte) is one segment, too long to be a term.
        guard text.count <= Int(Int32.max) / 2 else { return [text.startIndex..<text.endIndex] }
        return pool.with { find(text, $0) } ?? [text.startIndex..<text.endIndex]
    }

    private func find(_ text: ArraySlice<UInt8>, _ it: OpaquePointer) -> [Range<Int>] {
        var capacity = text.count / 3 + 8
        while true {
            var starts = [Int32](repeating: 0, count: capacity), ends = [Int32](repeating: 0, count: capacity)
            let n = text.withUnsafeBufferPointer { t in
                t.withMemoryRebound(to: CChar.self) { chars in
                    starts.withUnsafeMutableBufferPointer { s in
                        ends.withUnsafeMutableBufferPointer { e in
                            kura_words_find_utf8(it, chars.baseAddress, Int32(chars.count), s.baseAddress, e.baseAddress, Int32(capacity))
                        }
                    }
                }
            }
            if n < 0 { return [text.startIndex..<text.endIndex] }
            if Int(n) <= capacity {
                return (0..<Int(n)).map { (text.startIndex + Int(starts[$0]))..<(text.startIndex + Int(ends[$0])) }
            }
            capacity = Int(n)
        }
    }
}
