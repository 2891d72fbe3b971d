/// The text of an HTML page: tags removed, `script`/`style`/`head` contents dropped, block elements
/// turned into line breaks, character references decoded, runs of blank lines collapsed.
enum HTMLText {
    static let blockTags: Set<String> = [
        "p", "div", "br", "li", "ul", "ol", "h1", "h2", "h3", "h4", "h5", "h6", "tr", "table", "section", "article", "pre", "blockquote",
        "header", "footer", "hr", "dt", "dd", "title",
    ]
    static let hiddenTags: Set<String> = ["script", "style", "head", "noscript", "template"]

    static func extract(_ html: String) -> String {
        var out = ""
        var i = html.startIndex
        var hidden: String?
        while i < html.endIndex {
            let c = html[i]
            if c == "<", let close = html[i...].firstIndex(of: ">") {
                let inner = html[html.index(after: i)..<close]
                let isEnd = inner.hasPrefix("/")
                let name = inner.drop { $0 == "/" }.prefix { $0.isLetter || $0.isNumber }.lowercased()
                if let h = hidden {
                    if isEnd && name == h { hidden = nil }
                } else if inner.hasPrefix("!--") {
                    if let end = html.range(of: "-->", range: i..<html.endIndex) {
                        i = end.upperBound
                        continue
                    }
                } else if hiddenTags.contains(name) && !isEnd && !inner.hasSuffix("/") {
                    hidden = name
                } else if blockTags.contains(name) {
                    out += "\n"
                    if name.first == "h" || name == "p" || name == "title" { out += "\n" }
                }
                i = html.index(after: close)
                continue
            }
            if hidden == nil {
                if c == "&", let semi = html[i...].prefix(12).firstIndex(of: ";"), let decoded = entity(html[html.index(after: i)..<semi]) {
                    out.append(decoded)
                    i = html.index(after: semi)
                    continue
                }
                out.append(c)
            }
            i = html.index(after: i)
        }
        return collapse(out)
    }

    static func entity(_ name: Substring) -> Character? {
        switch name {
        case "amp": return "&"
        case "lt": return "<"
        case "gt": return ">"
        case "quot": return "\""
        case "apos", "#39": return "'"
        case "nbsp": return " "
        default:
            if name.hasPrefix("#x") || name.hasPrefix("#X"), let v = UInt32(name.dropFirst(2), radix: 16), let u = Unicode.Scalar(v) { return Character(u) }
            if name.hasPrefix("#"), let v = UInt32(name.dropFirst()), let u = Unicode.Scalar(v) { return Character(u) }
            return nil
        }
    }

    /// Trailing spaces trimmed from lines, at most one blank line in a row, no blank lines at the ends.
    static func collapse(_ text: String) -> String {
        var lines: [Substring] = []
        var blank = 0
        for raw in text.split(separator: "\n", omittingEmptySubsequences: false) {
            let line = raw.reversed().drop { $0 == " " || $0 == "\t" || $0 == "\r" }.reversed()
            if line.allSatisfy(\.isWhitespace) {
                blank += 1
                if blank > 1 || lines.isEmpty { continue }
                lines.append("")
            } else {
                blank = 0
                lines.append(Substring(String(line)))
            }
        }
        while lines.last == "" { lines.removeLast() }
        return lines.joined(separator: "\n")
    }
}
