import Foundation
import KuraCore
import KuraEmbed
import KuraStore
import Testing
import ZIPFoundation

@testable import KuraIngest

/// PDF, Office, OpenDocument and EPUB files, made by `Documents/make.sh` with pandoc, groff and
/// ghostscript, read through the loaders.
@Suite struct DocumentFormatTests {
    static let folder = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Documents").path

    static func load(_ name: String) throws -> SourceDocument {
        let docs = try DocumentLoader.load(path: folder + "/" + name, id: name)
        try #require(docs.count == 1)
        return docs[0]
    }

    static func failure(_ data: Data, _ name: String) -> String {
        do {
            _ = try DocumentLoader.load(data, name: name, id: name)
            return "loaded"
        } catch { return "\(error)" }
    }

    /// A four-page man page: running header and footer gone, the hyphenated word whole, each page where
    /// its text is.
    @Test func pdfPagesInReadingOrder() throws {
        let doc = try Self.load("manual.pdf")
        #expect(doc.metadata == #"{"format":"pdf","pages":4,"source":"manual.pdf"}"#)
        let pages = try #require(doc.pages)
        #expect(pages.unit == .page && pages.starts.count == 4)
        for header in ["KURATEST(7)", "Kura Test Manual", "2026-12-01"] { #expect(!doc.text.contains(header), "\(header) is a running header or footer") }
        #expect(doc.text.contains("keeps its internationalization settings") && !doc.text.contains("interna-"))
        let scalars = Array(doc.text.unicodeScalars)
        var last = -1
        for n in 1...4 {
            for marker in ["marker\(n)alpha", "marker\(n)omega"] {
                let at = try #require(doc.text.range(of: marker)).lowerBound
                let offset = doc.text.unicodeScalars.distance(from: doc.text.unicodeScalars.startIndex, to: at)
                #expect(offset > last, "reading order")
                last = offset
                #expect(pages.page(at: offset) == n, "\(marker) lies on page \(n)")
            }
            #expect(doc.text.contains(["OVERVIEW", "DETAILS", "LIMITS", "HISTORY"][n - 1]), "section headings are kept")
        }
        #expect(pages.span(of: 0..<scalars.count, in: scalars) == PageSpan(unit: .page, first: 1, last: 4))
    }

    /// Each chunk's metadata names the pages its text lies on.
    @Test func pdfChunksCarryTheirPages() throws {
        let doc = try Self.load("manual.pdf")
        let embedder = HashEmbedder(dimension: 8)
        let record = try #require(try Chunker(embedder: embedder, chunkTokens: 64, overlap: 8).records([(doc, "h")], embedder: embedder).first)
        #expect(record.chunks.count > 4)
        var seen = Set<Int>()
        for chunk in record.chunks {
            let meta = try #require(try JSONDecoder().decode(JSONValue.self, from: Data(chunk.metadata.utf8)))
            guard case .object(let o) = meta, case .number(let first)? = o["page_start"], case .number(let last)? = o["page_end"] else {
                Issue.record("no page range in \(chunk.metadata)")
                continue
            }
            let pages = Int(first)...Int(last)
            for n in 1...4 where chunk.text.contains("marker\(n)alpha") || chunk.text.contains("marker\(n)omega") {
                #expect(pages.contains(n))
            }
            seen.formUnion(pages)
        }
        #expect(seen == [1, 2, 3, 4])
    }

    /// Encrypted, text-less and damaged PDFs fail alone, each with its reason.
    @Test func pdfFailuresSayWhy() throws {
        let encrypted = try Data(contentsOf: URL(fileURLWithPath: Self.folder + "/encrypted.pdf"))
        #expect(Self.failure(encrypted, "e.pdf") == "e.pdf: encrypted PDF (it needs a password; Kura does not decrypt)")
        let scanned = try Data(contentsOf: URL(fileURLWithPath: Self.folder + "/scanned.pdf"))
        #expect(Self.failure(scanned, "s.pdf").contains("no text layer in 1 page(s) (a scanned PDF?); Kura does not run OCR"))
        let manual = try Data(contentsOf: URL(fileURLWithPath: Self.folder + "/manual.pdf"))
        for broken in [Data(), Data("%PDF-1.4\ngarbage".utf8), manual.prefix(700), Data(repeating: 0x25, count: 4096)] {
            let message = Self.failure(broken, "d.pdf")
            #expect(message.hasPrefix("d.pdf: damaged PDF") || message.contains("no text layer"), "\(message)")
        }
    }

    /// Running headers and page numbers recur on most pages and go; text that does not recur stays; a
    /// word hyphenated across a page break is joined.
    @Test func headersFootersAndHyphens() {
        let body = (1...8).map { "Line \($0) of the body, which differs from page to page." }
        let names = ["alpha", "beta", "gamma", "delta"]
        let pages = (1...4).map { n in ["Quarterly Report", ""] + body.map { "\($0) (\(names[n - 1]))" } + ["", "Page \(n) of 4"] }
        let cleaned = PDFText.clean(pages)
        #expect(cleaned[0] == body.map { "\($0) (alpha)" })
        let (text, map) = PDFText.join([["A long word: compac-"], ["tion goes on."], ["Next page."]])
        #expect(text == "A long word: compaction goes on.\n\nNext page.")
        #expect(map.starts.count == 3 && map.page(at: text.unicodeScalars.count - 2) == 3)
        #expect(PDFText.clean(Array(pages.prefix(2))) == pages.prefix(2).map(PDFText.tidy), "two pages are too few to call a line a header")
    }

    static let guide = """
        # Kura Operations Guide

        # Installing

        Kura runs as one pod with a persistent volume. The installer writes a manifest.

        ## Requirements

        A node with two cores and four gigabytes of memory.

        Setting | Default | Meaning
        replicas | 1 | pods serving queries
        ef_search | 64 | graph search breadth

        # Upgrading

        Compaction merges segments before the upgrade; the upgrade keeps every document.
        """

    /// Word, OpenDocument and EPUB give the same text: headings as headings, the table as rows.
    @Test func wordOpenDocumentAndEPUB() throws {
        for name in ["guide.docx", "guide.odt", "guide.epub"] {
            let doc = try Self.load(name)
            #expect(doc.text == Self.guide, "\(name)")
            #expect(doc.format == .markdown && doc.pages == nil)
        }
        #expect(try Self.load("guide.epub").title == "Kura Operations Guide")
        let embedder = HashEmbedder(dimension: 8)
        let chunks = Chunker(embedder: embedder, chunkTokens: 256, overlap: 0).chunk(Self.guide, format: .markdown)
        #expect(chunks.contains { $0.headings == ["Installing", "Requirements"] && $0.text.contains("ef_search | 64") })
    }

    /// Each slide is a section under `# Slide n: title`, and its chunks carry the slide's number.
    @Test func slidesAreSections() throws {
        let pptx = try Self.load("deck.pptx")
        #expect(pptx.text.hasPrefix("# Slide 1: Kura in five minutes\n\n# Slide 2: Retrieval\n\nDense, lexical and hybrid search"))
        #expect(pptx.metadata == #"{"format":"pptx","slides":4,"source":"deck.pptx"}"#)
        let odp = try Self.load("deck.odp")
        #expect(
            odp.text
                == "# Slide 1: Segments\n\nSealed segments are immutable and memory-mapped.\n\n# Slide 2: Compaction\n\nCompaction merges segments and drops tombstones."
        )
        let embedder = HashEmbedder(dimension: 8)
        let record = try #require(try Chunker(embedder: embedder, chunkTokens: 64, overlap: 0).records([(pptx, "h")], embedder: embedder).first)
        let serving = try #require(record.chunks.first { $0.text.contains("MCP answers agents") })
        #expect(serving.metadata.contains(#""slide":4"#), "\(serving.metadata)")
        #expect(record.chunks.allSatisfy { $0.metadata.contains(#""slide":"#) })
    }

    /// A damaged archive, a member that inflates past the limit and an XML entity bomb each fail alone.
    @Test func damagedArchivesAndBombs() throws {
        #expect(Self.failure(Data("PK\u{3}\u{4}not really".utf8), "x.docx") == "x.docx: damaged archive (not a readable ZIP file)")
        // A file on disk is read in place: the same answers, a guide cut short is damaged.
        let cut = FileManager.default.temporaryDirectory.appendingPathComponent("kura-cut-\(UUID().uuidString).docx").path
        defer { try? FileManager.default.removeItem(atPath: cut) }
        try Data(try Data(contentsOf: URL(fileURLWithPath: Self.folder + "/guide.docx")).prefix(4000)).write(to: URL(fileURLWithPath: cut))
        #expect(throws: KuraError.invalidArgument("\(cut): damaged archive (not a readable ZIP file)")) { try DocumentLoader.load(path: cut, id: "cut") }
        let malformed = Self.failure(try Self.zip(["content.xml": Data("<a><b></a>".utf8)]), "x.odt")
        #expect(malformed.hasPrefix("x.odt: damaged document (malformed XML"), "\(malformed)")
        #expect(Self.failure(try Self.zip(["mimetype": Data()]), "x.docx") == "x.docx: damaged document (no word/document.xml)")
        let bomb = try Self.zip(["word/document.xml": Data(count: ZipReader.maxMemberBytes + 1)])
        #expect(bomb.count < 1 << 20)
        #expect(Self.failure(bomb, "b.docx").contains("inflates past the limit"))
        let laughs = """
            <?xml version="1.0"?><!DOCTYPE d [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;">]><office:document-content><text:p>&b;</text:p></office:document-content>
            """
        #expect(Self.failure(try Self.zip(["content.xml": Data(laughs.utf8)]), "l.odt") == "l.odt: XML entity declarations are not accepted")
        #expect(
            Self.failure(try Self.zip(["content.xml": Data(#"<r xmlns:text="urn:t"><text:p> </text:p></r>"#.utf8)]), "e.odt")
                == "e.odt: the document holds no text")
        // A space count out of range (negative, huge, not a number) is one space, not a trap or a flood.
        let spaces = #"<r xmlns:text="urn:t"><text:p>a<text:s text:c="-5"/>b<text:s text:c="99999999999999999999"/>c<text:s text:c="x"/>d</text:p></r>"#
        #expect(try DocumentLoader.load(try Self.zip(["content.xml": Data(spaces.utf8)]), name: "s.odt", id: "s")[0].text == "a b c d")
    }

    /// A German Word names its heading styles `berschrift1` (the built-in name stays `heading 1`), and a
    /// style may be a heading by its outline level; a reordered deck lists its slides in presentation.xml,
    /// not by file name.
    @Test func translatedStylesAndReorderedSlides() throws {
        let w = #"xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main""#
        let styles = """
            <w:styles \(w)><w:style w:type="paragraph" w:styleId="berschrift1"><w:name w:val="heading 1"/></w:style>\
            <w:style w:styleId="Gliederung"><w:name w:val="Gliederung"/><w:pPr><w:outlineLvl w:val="1"/></w:pPr></w:style></w:styles>
            """
        let body = """
            <w:document \(w)><w:body><w:p><w:pPr><w:pStyle w:val="berschrift1"/></w:pPr><w:r><w:t>Einleitung</w:t></w:r></w:p>\
            <w:p><w:pPr><w:pStyle w:val="Gliederung"/></w:pPr><w:r><w:t>Teil</w:t></w:r></w:p><w:p><w:r><w:t>Text.</w:t></w:r></w:p></w:body></w:document>
            """
        let docx = try Self.zip(["word/styles.xml": Data(styles.utf8), "word/document.xml": Data(body.utf8)])
        #expect(try DocumentLoader.load(docx, name: "de.docx", id: "de")[0].text == "# Einleitung\n\n## Teil\n\nText.")
        let p = """
            xmlns:p="http://schemas.openxmlformats.org/presentationml/2006/main" xmlns:a="http://schemas.openxmlformats.org/drawingml/2006/main" \
            xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"
            """
        func slide(_ t: String) -> Data {
            Data("<p:sld \(p)><p:cSld><p:spTree><p:sp><p:txBody><a:p><a:r><a:t>\(t)</a:t></a:r></a:p></p:txBody></p:sp></p:spTree></p:cSld></p:sld>".utf8)
        }
        let presentation = #"<p:presentation \#(p)><p:sldIdLst><p:sldId id="256" r:id="rId3"/><p:sldId id="257" r:id="rId2"/></p:sldIdLst></p:presentation>"#
        let rels = """
            <Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">\
            <Relationship Id="rId2" Target="slides/slide1.xml"/><Relationship Id="rId3" Target="slides/slide2.xml"/></Relationships>
            """
        let pptx = try Self.zip([
            "ppt/presentation.xml": Data(presentation.utf8), "ppt/_rels/presentation.xml.rels": Data(rels.utf8),
            "ppt/slides/slide1.xml": slide("made first, shown second"), "ppt/slides/slide2.xml": slide("made second, shown first"),
        ])
        #expect(
            try DocumentLoader.load(pptx, name: "r.pptx", id: "r")[0].text == "# Slide 1\n\nmade second, shown first\n\n# Slide 2\n\nmade first, shown second")
    }

    static func zip(_ members: [String: Data]) throws -> Data {
        let archive = try Archive(data: Data(), accessMode: .create)
        for (path, data) in members.sorted(by: { $0.key < $1.key }) {
            try archive.addEntry(with: path, type: .file, uncompressedSize: Int64(data.count), compressionMethod: .deflate) { position, size in
                data.subdata(in: Int(position)..<Int(position) + size)
            }
        }
        return try #require(archive.data)
    }
}
