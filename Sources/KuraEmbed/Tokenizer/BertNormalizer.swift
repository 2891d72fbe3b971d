import Foundation

/// BERT's text normalisation, as the model's tokenizer.json configures it: drop control characters,
/// map whitespace to a space, put spaces around CJK ideographs, strip accents (NFD, then drop
/// non-spacing marks) and lower-case, in that order.
struct BertNormalizer: Sendable {
    var lowercase = true
    var stripAccents = true

    func normalize(_ text: String) -> [Unicode.Scalar] {
        var out: [Unicode.Scalar] = []
        out.reserveCapacity(text.utf8.count + 8)
        let isASCII = text.utf8.allSatisfy { $0 < 0x80 }
        // NFD first is equivalent to HF's order: cleaning and CJK spacing never touch what NFD changes.
        let source = (stripAccents && !isASCII) ? text.decomposedStringWithCanonicalMapping : text
        for s in source.unicodeScalars {
            if s.value < 0x80 {
                appendASCII(s, to: &out)
                continue
            }
            let p = s.properties
            if s.value == 0xFFFD || Self.isOther(p.generalCategory) { continue }
            if p.isWhitespace {
                out.append(" ")
            } else if Self.isCJK(s.value) {
                out.append(" ")
                out.append(s)
                out.append(" ")
            } else if stripAccents && p.generalCategory == .nonspacingMark {
                continue
            } else if lowercase, p.changesWhenLowercased {
                out.append(contentsOf: p.lowercaseMapping.unicodeScalars)
            } else {
                out.append(s)
            }
        }
        return out
    }

    private func appendASCII(_ s: Unicode.Scalar, to out: inout [Unicode.Scalar]) {
        switch s.value {
        case 0x09, 0x0A, 0x0D, 0x20: out.append(" ")
        case 0..<0x20, 0x7F: return  // control characters
        case 0x41...0x5A where lowercase: out.append(Unicode.Scalar(s.value + 32)!)
        default: out.append(s)
        }
    }

    /// Unicode category C (control, format, surrogate, private use, unassigned): HF's `is_control`.
    static func isOther(_ c: Unicode.GeneralCategory) -> Bool {
        switch c {
        case .control, .format, .surrogate, .privateUse, .unassigned: true
        default: false
        }
    }

    /// The CJK Unified Ideograph blocks BERT splits into single characters.
    static func isCJK(_ v: UInt32) -> Bool {
        switch v {
        case 0x4E00...0x9FFF, 0x3400...0x4DBF, 0x20000...0x2A6DF, 0x2A700...0x2B73F, 0x2B740...0x2B81F,
            0x2B920...0x2CEAF, 0xF900...0xFAFF, 0x2F800...0x2FA1F:
            true
        default: false
        }
    }
}
