import Foundation
import KuraCore

#if canImport(FoundationXML)
    import FoundationXML
#endif

/// Text blocks of an XML document (WordprocessingML, PresentationML, OpenDocument, XHTML), read with
/// Foundation's XMLParser: headings with their level, paragraphs, table rows as cells, and slide starts.
/// One set of element rules serves every format, since their names do not collide.
struct XMLBlocks {
    enum Block: Equatable {
        case heading(level: Int, text: String)
        case paragraph(String)
        case row([String])
        /// A new slide begins; its title, when it has one, follows as a level-1 heading.
        case slide
    }

    private(set) var blocks: [Block] = []

    /// Parses `data` and appends its blocks.
    /// - Throws: `KuraError.invalidArgument` naming `name` when the XML is malformed or declares entities
    ///   (no Office or EPUB file needs them, and they are how an XML bomb is built).
    mutating func read(_ data: Data, name: String, headingStyles: [String: Int] = [:]) throws {
        if data.range(of: Data("<!ENTITY".utf8)) != nil {
            throw KuraError.invalidArgument("\(name): XML entity declarations are not accepted")
        }
        let walker = Walker(headingStyles: headingStyles)
        let parser = XMLParser(data: data)
        parser.shouldResolveExternalEntities = false
        parser.delegate = walker
        guard parser.parse(), parser.parserError == nil else {
            throw KuraError.invalidArgument("\(name): damaged document (malformed XML at line \(parser.lineNumber))")
        }
        blocks += walker.blocks
    }

    mutating func append(_ block: Block) { blocks.append(block) }

    /// `Title`, `Heading1`…`Heading9` or `heading 1`: Word's built-in heading styles.
    static func styleLevel(_ style: String) -> Int {
        if style == "Title" { return 1 }
        let lower = style.lowercased().replacingOccurrences(of: " ", with: "")
        guard lower.hasPrefix("heading"), let n = Int(lower.dropFirst(7)), (1...9).contains(n) else { return 0 }
        return min(6, n)
    }

    /// Markdown-like text: `#` headings (so the chunker keeps heading paths), paragraphs apart by a blank
    /// line, a table's rows one per line with cells joined by ` | `; each slide under a `# Slide n: title`
    /// heading, whose starts make the page map.
    func render() -> (text: String, slides: PageMap?) {
        var out = ""
        var starts: [Int] = []
        var count = 0
        var lastWasRow = false
        func emit(_ s: String, row: Bool = false) -> Int {
            if count > 0 {
                let gap = row && lastWasRow ? "\n" : "\n\n"
                out += gap
                count += gap.unicodeScalars.count
            }
            let start = count
            out += s
            count += s.unicodeScalars.count
            lastWasRow = row
            return start
        }
        var i = 0
        while i < blocks.count {
            switch blocks[i] {
            case .slide:
                var title = ""
                if i + 1 < blocks.count, case .heading(_, let t) = blocks[i + 1] {
                    title = t
                    i += 1
                }
                starts.append(emit("# Slide \(starts.count + 1)" + (title.isEmpty ? "" : ": " + title)))
            case .heading(let level, let t): _ = emit(String(repeating: "#", count: min(6, starts.isEmpty ? level : level + 1)) + " " + t)
            case .paragraph(let t): _ = emit(t)
            case .row(let cells): _ = emit(cells.joined(separator: " | "), row: true)
            }
            i += 1
        }
        return (out, starts.isEmpty ? nil : PageMap(unit: .slide, starts: starts))
    }
}

/// The SAX side of ``XMLBlocks``.
private final class Walker: NSObject, XMLParserDelegate {
    static let paragraphs: Set<String> = [
        "w:p", "a:p", "text:p", "text:h", "p", "h1", "h2", "h3", "h4", "h5", "h6", "li", "dt", "dd", "pre", "blockquote", "caption", "div",
    ]
    static let rows: Set<String> = ["w:tr", "a:tr", "table:table-row", "tr"]
    static let cells: Set<String> = ["w:tc", "a:tc", "table:table-cell", "td", "th"]
    static let spaces: Set<String> = ["w:tab", "w:br", "w:cr", "a:br", "text:tab", "text:line-break", "br"]
    static let hidden: Set<String> = ["w:instrText", "w:delText", "office:annotation", "script", "style", "head", "text:tracked-changes"]

    var blocks: [XMLBlocks.Block] = []
    /// Word paragraph style ids that are headings (from styles.xml), with their level.
    let headingStyles: [String: Int]
    private var text = ""
    private var depth = 0  // open paragraph elements
    private var level = 0  // heading level of the open paragraph, 0 for body text
    private var hiddenDepth = 0
    private var row: [String]?
    private var cell: String?
    private var inTitleShape = false  // a PresentationML title placeholder or an OpenDocument title frame

    init(headingStyles: [String: Int]) { self.headingStyles = headingStyles }

    func parser(_ parser: XMLParser, didStartElement name: String, namespaceURI: String?, qualifiedName: String?, attributes: [String: String] = [:]) {
        if Self.hidden.contains(name) || hiddenDepth > 0 {
            hiddenDepth += 1
            return
        }
        switch name {
        case _ where Self.paragraphs.contains(name):
            if depth > 0 { flushText() }
            depth += 1
            level = Self.headingLevel(name, attributes)
        case "w:pStyle": level = headingStyles[attributes["w:val"] ?? ""] ?? XMLBlocks.styleLevel(attributes["w:val"] ?? "")
        case "w:outlineLvl": if depth > 0, let n = Int(attributes["w:val"] ?? ""), (0..<6).contains(n) { level = n + 1 }
        case "p:ph": if ["title", "ctrTitle"].contains(attributes["type"] ?? "") { inTitleShape = true }
        case "draw:frame": inTitleShape = attributes["presentation:class"] == "title"
        case "draw:page": blocks.append(.slide)
        case "text:s": text += String(repeating: " ", count: max(1, min(64, Int(attributes["text:c"] ?? "1") ?? 1)))
        case _ where Self.spaces.contains(name): text += " "
        case _ where Self.rows.contains(name): row = []
        case _ where Self.cells.contains(name): cell = ""
        default: break
        }
    }

    func parser(_ parser: XMLParser, didEndElement name: String, namespaceURI: String?, qualifiedName: String?) {
        if hiddenDepth > 0 {
            hiddenDepth -= 1
            return
        }
        switch name {
        case _ where Self.paragraphs.contains(name):
            flushText()
            depth = max(0, depth - 1)
            level = 0
        case "p:sp", "draw:frame": inTitleShape = false
        case _ where Self.cells.contains(name):
            flushText()
            if let c = cell { row?.append(c) }
            cell = nil
        case _ where Self.rows.contains(name):
            if let r = row, r.contains(where: { !$0.isEmpty }) { blocks.append(.row(r)) }
            row = nil
        default: break
        }
    }

    func parser(_ parser: XMLParser, foundCharacters string: String) {
        if hiddenDepth == 0 { text += string }
    }

    /// Ends the text gathered so far: into the open cell, else as a heading or paragraph.
    private func flushText() {
        let t = text.split(whereSeparator: \.isWhitespace).joined(separator: " ")
        text = ""
        guard !t.isEmpty else { return }
        if cell != nil {
            cell! += cell!.isEmpty ? t : " " + t
        } else if inTitleShape {
            blocks.append(.heading(level: 1, text: t))
        } else if level > 0 {
            blocks.append(.heading(level: level, text: t))
        } else {
            blocks.append(.paragraph(t))
        }
    }

    static func headingLevel(_ name: String, _ attributes: [String: String]) -> Int {
        if name == "text:h" { return max(1, min(6, Int(attributes["text:outline-level"] ?? "1") ?? 1)) }
        if name.count == 2, name.first == "h", let n = Int(name.dropFirst()) { return n }
        if name == "text:p", attributes["text:style-name"] == "Title" { return 1 }
        return 0
    }
}
