import Foundation
import KuraCore

#if canImport(FoundationXML)
    import FoundationXML
#endif

/// The text of ZIP-packaged documents: Word (.docx), PowerPoint (.pptx), OpenDocument text and slides
/// (.odt, .odp) and EPUB. Headings become markdown headings, so chunks keep heading paths; each slide is a
/// section and a page of the page map; tables become rows of cells.
///
/// Limits: text only (no images, charts or embedded objects); members inflate within ``ZipReader``'s
/// bounds; an EPUB chapter that is not well-formed XHTML is read as HTML.
public enum OfficeText {
    /// The extensions read here.
    public static let extensions: Set<String> = ["docx", "pptx", "odt", "odp", "epub"]

    /// The document's text, its slides when it is a presentation, and its title when the package names one.
    /// - Throws: `KuraError.invalidArgument` naming `name`: a damaged archive or member, a zip bomb, or a
    ///   document without text.
    public static func document(_ data: Data, name: String) throws -> (text: String, slides: PageMap?, title: String?) {
        try document(try ZipReader(data, name: name), name: name)
    }

    /// ``document(_:name:)`` of a file, read in place.
    public static func document(file path: String) throws -> (text: String, slides: PageMap?, title: String?) {
        try document(try ZipReader(file: path, name: path), name: path)
    }

    static func document(_ archive: ZipReader, name: String) throws -> (text: String, slides: PageMap?, title: String?) {
        var zip = archive
        var blocks = XMLBlocks()
        var title: String?
        switch (name as NSString).pathExtension.lowercased() {
        case "docx":
            let styles = try zip.read("word/styles.xml").map { try headingStyles($0, name: name) } ?? [:]
            try blocks.read(try zip.require("word/document.xml"), name: name, headingStyles: styles)
        case "pptx":
            for path in try slidePaths(&zip, name: name) {
                blocks.append(.slide)
                try blocks.read(try zip.require(path), name: name)
            }
        case "odt", "odp": try blocks.read(try zip.require("content.xml"), name: name)
        default: title = try epub(&zip, into: &blocks, name: name)
        }
        let (text, slides) = blocks.render()
        guard text.contains(where: { !$0.isWhitespace }) else { throw KuraError.invalidArgument("\(name): the document holds no text") }
        return (text, slides, title)
    }

    /// The slides in the presentation's order (`p:sldIdLst` through the package relationships, which a
    /// reordered deck changes while its file names stay), else `ppt/slides/slideN.xml` by N.
    static func slidePaths(_ zip: inout ZipReader, name: String) throws -> [String] {
        if let presentation = try zip.read("ppt/presentation.xml"), let relationships = try zip.read("ppt/_rels/presentation.xml.rels") {
            var targets: [String: String] = [:]
            for r in try PackageFile(relationships, name: name).all("Relationship") { if let id = r["Id"], let t = r["Target"] { targets[id] = t } }
            let ordered = try PackageFile(presentation, name: name).all("sldId").compactMap { $0["r:id"].flatMap { targets[$0] } }
            if !ordered.isEmpty { return ordered.map { $0.hasPrefix("/") ? String($0.dropFirst()) : "ppt/" + $0 } }
        }
        let slides = zip.paths.compactMap { p -> (Int, String)? in
            guard p.hasPrefix("ppt/slides/slide"), p.hasSuffix(".xml"), let n = Int(p.dropFirst(16).dropLast(4)) else { return nil }
            return (n, p)
        }
        return slides.sorted { $0.0 < $1.0 }.map(\.1)
    }

    /// Word's paragraph styles that are headings, by style id: a style named `heading N` or `Title` (built-in
    /// names stay English while ids are translated, `berschrift1` in a German Word), or with an outline level.
    static func headingStyles(_ styles: Data, name: String) throws -> [String: Int] {
        var out: [String: Int] = [:]
        var style: String?
        for (element, attributes) in try PackageFile(styles, name: name).sequence {
            switch element {
            case "w:style": style = attributes["w:styleId"]
            case "w:name": if let s = style, let n = attributes["w:val"], XMLBlocks.styleLevel(n) > 0 { out[s] = XMLBlocks.styleLevel(n) }
            case "w:outlineLvl": if let s = style, out[s] == nil, let n = Int(attributes["w:val"] ?? ""), (0..<6).contains(n) { out[s] = n + 1 }
            default: break
            }
        }
        return out
    }

    /// The spine's chapters in reading order, through the container and the package document; returns
    /// the package's title.
    static func epub(_ zip: inout ZipReader, into blocks: inout XMLBlocks, name: String) throws -> String? {
        let container = try PackageFile(try zip.require("META-INF/container.xml"), name: name)
        guard let opfPath = container.first("rootfile")?["full-path"] else { throw KuraError.invalidArgument("\(name): damaged EPUB (no rootfile)") }
        let opf = try PackageFile(try zip.require(opfPath), name: name)
        let base = (opfPath as NSString).deletingLastPathComponent
        var hrefs: [String: String] = [:]
        for item in opf.all("item") { if let id = item["id"], let href = item["href"] { hrefs[id] = href } }
        for ref in opf.all("itemref") {
            guard let id = ref["idref"], let href = hrefs[id]?.removingPercentEncoding else { continue }
            let path = base.isEmpty ? href : (base as NSString).appendingPathComponent(href)
            guard let chapter = try zip.read(path) else { throw KuraError.invalidArgument("\(name): damaged EPUB (no \(path))") }
            do { try blocks.read(chapter, name: name) } catch {
                blocks.append(.paragraph(HTMLText.extract(String(decoding: chapter, as: UTF8.self))))
            }
        }
        return opf.text("dc:title")
    }
}

/// The elements of a small XML file (an EPUB container or package document, a package's relationships,
/// Word's styles) with their attributes and text.
private struct PackageFile {
    private var elements: [(name: String, attributes: [String: String], text: String)] = []

    init(_ data: Data, name: String) throws {
        let collector = Collector()
        let parser = XMLParser(data: data)
        parser.delegate = collector
        guard data.range(of: Data("<!ENTITY".utf8)) == nil, parser.parse() else {
            throw KuraError.invalidArgument("\(name): damaged document (malformed package XML)")
        }
        elements = collector.elements
    }

    /// Every element's name and attributes, in document order.
    var sequence: [(String, [String: String])] { elements.map { ($0.name, $0.attributes) } }

    func all(_ name: String) -> [[String: String]] { elements.filter { $0.name == name || $0.name.hasSuffix(":" + name) }.map(\.attributes) }
    func first(_ name: String) -> [String: String]? { all(name).first }
    func text(_ name: String) -> String? { elements.first { $0.name == name }.map { $0.text.trimmingCharacters(in: .whitespacesAndNewlines) } }

    private final class Collector: NSObject, XMLParserDelegate {
        var elements: [(name: String, attributes: [String: String], text: String)] = []
        private var open: [Int] = []

        func parser(_ parser: XMLParser, didStartElement name: String, namespaceURI: String?, qualifiedName: String?, attributes: [String: String] = [:]) {
            open.append(elements.count)
            elements.append((name, attributes, ""))
        }

        func parser(_ parser: XMLParser, didEndElement name: String, namespaceURI: String?, qualifiedName: String?) { _ = open.popLast() }

        func parser(_ parser: XMLParser, foundCharacters string: String) { if let i = open.last { elements[i].text += string } }
    }
}
