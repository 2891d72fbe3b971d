/// Which UTF-16 units belong to CJK scripts: Han, Hiragana, Katakana (with the prolonged sound mark) and
/// Hangul. Surrogate pairs (Han extensions beyond the BMP) count as Han.
enum Scripts {
    static func isCJK(_ u: UInt16) -> Bool {
        switch u {
        case 0x3005, 0x3006, 0x3007: true  // 々 〆 〇
        case 0x3040...0x30FF, 0x31F0...0x31FF: true  // kana, prolonged sound mark, small katakana
        case 0x3400...0x4DBF, 0x4E00...0x9FFF, 0xF900...0xFAFF: true  // Han
        case 0x1100...0x11FF, 0x3130...0x318F, 0xAC00...0xD7AF: true  // Hangul
        case 0xD840...0xD87F, 0xDC00...0xDFFF: true  // surrogates of the Han extensions (planes 2, 3)
        default: false
        }
    }

    static func isHangul(_ u: UInt16) -> Bool { (0x1100...0x11FF).contains(u) || (0x3130...0x318F).contains(u) || (0xAC00...0xD7AF).contains(u) }

    /// The text cut into alternating runs: CJK or not.
    static func runs(_ text: [UInt16]) -> [(range: Range<Int>, cjk: Bool)] {
        var out: [(Range<Int>, Bool)] = []
        var start = 0
        while start < text.count {
            let cjk = isCJK(text[start])
            var end = start + 1
            while end < text.count, isCJK(text[end]) == cjk { end += 1 }
            out.append((start..<end, cjk))
            start = end
        }
        return out
    }
}
