import CICU

/// Unicode's NFKC_Casefold through ICU: full-width forms become ASCII, half-width katakana full-width,
/// compatibility characters their plain forms, and case is folded.
enum Normalizer {
    /// The normalised text as UTF-16 units.
    static func normalize(_ text: String) -> [UInt16] {
        let source = Array(text.utf16)
        guard !source.isEmpty else { return [] }
        var capacity = source.count + source.count / 2 + 16
        while true {
            var out = [UInt16](repeating: 0, count: capacity)
            let n = source.withUnsafeBufferPointer { src in
                out.withUnsafeMutableBufferPointer { kura_nfkc_casefold(src.baseAddress, Int32(src.count), $0.baseAddress, Int32(capacity)) }
            }
            if n < 0 { return Array(text.lowercased().utf16) }  // ICU failed: case folding alone is still right
            if Int(n) <= capacity {
                out.removeSubrange(Int(n)...)
                return out
            }
            capacity = Int(n)
        }
    }
}
