import Foundation

/// The coarsest split of a document, before token limits: markdown sections under their heading path,
/// code blocks at top-level definitions, or the whole text. Sections are contiguous and cover the text.
struct TextSection: Equatable {
    var range: Range<Int>
    var headings: [String]
}

enum TextSections {
    static func split(_ s: [Unicode.Scalar], format: TextFormat) -> [TextSection] {
        switch format {
        case .plain: [TextSection(range: 0..<s.count, headings: [])]
        case .markdown: markdown(s)
        case .restructuredText: restructuredText(s)
        case .code: code(s)
        }
    }

    /// Lines as ranges that include their newline.
    static func lines(_ s: [Unicode.Scalar], in range: Range<Int>) -> [Range<Int>] {
        var out: [Range<Int>] = []
        var start = range.lowerBound
        for i in range where s[i] == "\n" {
            out.append(start..<(i + 1))
            start = i + 1
        }
        if start < range.upperBound { out.append(start..<range.upperBound) }
        return out
    }

    /// A new section at every ATX heading (`#` to `######`) outside fenced code; each carries the path
    /// of headings above it.
    static func markdown(_ s: [Unicode.Scalar]) -> [TextSection] {
        var out: [TextSection] = []
        var path: [(level: Int, title: String)] = []
        var start = 0
        var fence: String?
        for line in lines(s, in: 0..<s.count) {
            let text = String(String.UnicodeScalarView(s[line])).trimmingCharacters(in: .whitespacesAndNewlines)
            if text.hasPrefix("```") || text.hasPrefix("~~~") {
                let marker = String(text.prefix(3))
                fence = fence == nil ? marker : (fence == marker ? nil : fence)
                continue
            }
            guard fence == nil, let (level, title) = heading(text) else { continue }
            if line.lowerBound > start { out.append(TextSection(range: start..<line.lowerBound, headings: path.map(\.title))) }
            start = line.lowerBound
            path.removeAll { $0.level >= level }
            path.append((level, title))
        }
        out.append(TextSection(range: start..<s.count, headings: path.map(\.title)))
        return out
    }

    static func heading(_ line: String) -> (Int, String)? {
        let hashes = line.prefix { $0 == "#" }.count
        guard (1...6).contains(hashes) else { return nil }
        let rest = line.dropFirst(hashes)
        guard rest.isEmpty || rest.first == " " || rest.first == "\t" else { return nil }
        let title = rest.trimmingCharacters(in: .whitespaces).trimmingCharacters(in: CharacterSet(charactersIn: "#")).trimmingCharacters(in: .whitespaces)
        return title.isEmpty ? nil : (hashes, title)
    }

    /// A new section at every reST title: a text line underlined (and maybe overlined) by a run of one
    /// punctuation character. Levels follow the order in which adornment styles first appear.
    static func restructuredText(_ s: [Unicode.Scalar]) -> [TextSection] {
        let all = lines(s, in: 0..<s.count)
        let text = all.map { String(String.UnicodeScalarView(s[$0])).trimmingCharacters(in: .whitespacesAndNewlines) }
        var styles: [String] = []
        var path: [(level: Int, title: String)] = []
        var out: [TextSection] = []
        var start = 0
        var i = 0
        while i + 1 < all.count {
            let title = text[i]
            guard !title.isEmpty, !isAdornment(title), isAdornment(text[i + 1]), text[i + 1].count >= min(title.count, 3),
                s[all[i].lowerBound] != " "
            else {
                i += 1
                continue
            }
            let over = i > 0 && text[i - 1] == text[i + 1]
            let style = String(text[i + 1].first!) + (over ? "o" : "u")
            if !styles.contains(style) { styles.append(style) }
            let level = styles.firstIndex(of: style)!
            let begin = over ? all[i - 1].lowerBound : all[i].lowerBound
            if begin > start { out.append(TextSection(range: start..<begin, headings: path.map(\.title))) }
            start = begin
            path.removeAll { $0.level >= level }
            path.append((level, title))
            i += 2
        }
        out.append(TextSection(range: start..<s.count, headings: path.map(\.title)))
        return out
    }

    static func isAdornment(_ line: String) -> Bool {
        guard line.count >= 3, let c = line.first, "=-~^\"'`#*+:._".contains(c) else { return false }
        return line.allSatisfy { $0 == c }
    }

    /// A new section where a non-indented line follows a blank line: the start of a top-level definition.
    static func code(_ s: [Unicode.Scalar]) -> [TextSection] {
        var out: [TextSection] = []
        var start = 0
        var previousBlank = false
        for line in lines(s, in: 0..<s.count) {
            let blank = s[line].allSatisfy { $0.properties.isWhitespace }
            let topLevel = !blank && !s[line.lowerBound].properties.isWhitespace && s[line.lowerBound] != "}" && s[line.lowerBound] != ")"
            if topLevel && previousBlank && line.lowerBound > start {
                out.append(TextSection(range: start..<line.lowerBound, headings: []))
                start = line.lowerBound
            }
            previousBlank = blank
        }
        out.append(TextSection(range: start..<s.count, headings: []))
        return out
    }
}
