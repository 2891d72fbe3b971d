/// Which characters belong to CJK scripts: Han, Hiragana, Katakana (with the prolonged sound mark) and
/// Hangul, and the runs they form in UTF-8 text.
public enum Scripts {
    /// The share of `text`'s letters and digits that are CJK (0 for text without any).
    public static func cjkShare(_ text: String) -> Double {
        var cjk = 0, all = 0
        for s in text.unicodeScalars where s.properties.isAlphabetic || s.properties.numericType != nil {
            all += 1
            if isCJK(s.value) { cjk += 1 }
        }
        return all == 0 ? 0 : Double(cjk) / Double(all)
    }

    static func isCJK(_ v: UInt32) -> Bool {
        switch v {
        case 0x3005, 0x3006, 0x3007: true  // 々 〆 〇
        case 0x3040...0x30FF, 0x31F0...0x31FF: true  // kana, prolonged sound mark, small katakana
        case 0x3400...0x4DBF, 0x4E00...0x9FFF, 0xF900...0xFAFF, 0x20000...0x3FFFF: true  // Han
        case 0x1100...0x11FF, 0x3130...0x318F, 0xAC00...0xD7AF: true  // Hangul
        default: false
        }
    }

    static func isHangul(_ v: UInt32) -> Bool { (0x1100...0x11FF).contains(v) || (0x3130...0x318F).contains(v) || (0xAC00...0xD7AF).contains(v) }

    /// The UTF-8 text cut into alternating runs, CJK or not, as byte ranges. ASCII bytes are never CJK,
    /// so most text is one run found without decoding.
    static func runs(_ text: [UInt8]) -> [(range: Range<Int>, cjk: Bool)] {
        var out: [(Range<Int>, Bool)] = []
        var start = 0, i = 0
        var current: Bool?
        while i < text.count {
            let (scalar, width) = decode(text, i)
            let cjk = isCJK(scalar)
            if let c = current, c != cjk {
                out.append((start..<i, c))
                start = i
            }
            current = cjk
            i += width
        }
        if let c = current { out.append((start..<text.count, c)) }
        return out
    }

    /// The scalar at `i` of valid UTF-8 and its width in bytes.
    @inline(__always)
    static func decode(_ t: [UInt8], _ i: Int) -> (UInt32, Int) {
        let b0 = UInt32(t[i])
        if b0 < 0x80 { return (b0, 1) }
        if b0 < 0xE0, i + 1 < t.count { return ((b0 & 0x1F) << 6 | UInt32(t[i + 1] & 0x3F), 2) }
        if b0 < 0xF0, i + 2 < t.count { return ((b0 & 0x0F) << 12 | UInt32(t[i + 1] & 0x3F) << 6 | UInt32(t[i + 2] & 0x3F), 3) }
        if i + 3 < t.count { return ((b0 & 0x07) << 18 | UInt32(t[i + 1] & 0x3F) << 12 | UInt32(t[i + 2] & 0x3F) << 6 | UInt32(t[i + 3] & 0x3F), 4) }
        return (0xFFFD, 1)
    }
}
