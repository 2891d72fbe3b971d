import CICU

/// Unicode's NFKC_Casefold through ICU: full-width forms become ASCII, half-width katakana full-width,
/// compatibility characters their plain forms, and case is folded. ASCII text, the common case, is only
/// lower-cased, which is what NFKC_Casefold does to it.
enum Normalizer {
    /// The normalised text as UTF-8.
    static func normalize(_ text: String) -> [UInt8] {
        var text = text
        if let ascii = text.withUTF8({ utf8 -> [UInt8]? in
            guard !utf8.contains(where: { $0 >= 0x80 }) else { return nil }
            return utf8.map { $0 >= 0x41 && $0 <= 0x5A ? $0 | 0x20 : $0 }
        }) {
            return ascii
        }
        let source = Array(text.utf16)
        // ICU counts in Int32; a text it cannot take (over a gigabyte) is only case-folded.
        guard source.count <= Int(Int32.max) / 2 - 16 else { return Array(text.lowercased().utf8) }
        var capacity = source.count + source.count / 2 + 16
        while true {
            var out = [UInt16](repeating: 0, count: capacity)
            let n = source.withUnsafeBufferPointer { src in
                out.withUnsafeMutableBufferPointer { kura_nfkc_casefold(src.baseAddress, Int32(src.count), $0.baseAddress, Int32(capacity)) }
            }
            if n < 0 { return Array(text.lowercased().utf8) }  // ICU failed: case folding alone is still right
            if Int(n) <= capacity { return Array(String(decoding: out[..<Int(n)], as: UTF16.self).utf8) }
            capacity = Int(n)
        }
    }
}
