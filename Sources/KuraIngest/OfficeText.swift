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
    public static let extensions: Set<String> = ["docx", "pptx", "odt", "odp", "epub"]

    /// The document's text, its slides when it is a presentation, and its title when the package names one.
    /// - Throws: `KuraError.invalidArgument` naming `name`: a damaged archive or member, a zip bomb, or a
    ///   document without text.
    public static func document(_ data: Data, name: String) throws -> (text: String, slides: PageMap?, title: String?) {
        var zip = try ZipReader(data, name: name)
        var blocks = XMLBlocks()
        var title: String?
        switch (name as NSString).pathExtension.lowercased() {
        case "docx": try blocks.read(try zip.require("word/document.xml"), name: name)
        case "pptx":
            for path in slidePaths(zip.paths) {
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

    /// `ppt/slides/slideN.xml` in slide order.
    static func slidePaths(_ paths: [String]) -> [String] {
        let slides = paths.compactMap { p -> (Int, String)? in
            guard p.hasPrefix("ppt/slides/slide"), p.hasSuffix(".xml"), let n = Int(p.dropFirst(16).dropLast(4)) else { return nil }
            return (n, p)
        }
        return slides.sorted { $0.0 < $1.0 }.map(\.1)
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

/// The elements of a small XML file (an EPUB container or package document) with their attributes and text.
private struct PackageFile {
    private var elements: [(name: String, attributes: [String: String], text: String)] = []

    init(_ data: Data, name: String) throws {
        let collector = Collector()
        let parser = XMLParser(data: data)
        parser.delegate = collector
        guard data.range(of: Data("<!ENTITY".utf8)) == nil, parser.parse() else {
            throw KuraError.invalidArgument("\(name): damaged EPUB (malformed package XML)")
        }
        elements = collector.elements
    }

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
