import CPoppler
import Foundation
import KuraCore

/// The text of a PDF through Poppler, page by page in reading order, then cleaned the way a reader
/// sees it: lines repeated at the top or bottom of most pages (running headers, footers, page numbers)
/// dropped, and words hyphenated across a line break joined.
///
/// Limits: no OCR, so a scanned PDF without a text layer is an error; encrypted PDFs are not opened
/// (no password is tried); the text's order is Poppler's reading order.
public enum PDFText {
    /// The cleaned text with where each page begins.
    /// - Throws: `KuraError.invalidArgument` naming `name` and the reason: encrypted, damaged, or without
    ///   a text layer.
    public static func document(_ data: Data, name: String) throws -> (text: String, pages: PageMap) {
        let raw = try pages(data, name: name)
        guard raw.contains(where: { $0.contains { !$0.isWhitespace } }) else {
            throw KuraError.invalidArgument(
                "\(name): no text layer in \(raw.count) page(s) (a scanned PDF?); Kura does not run OCR, so extract its text first")
        }
        return join(clean(raw.map(lines)))
    }

    /// Each page's text as Poppler lays it out.
    static func pages(_ data: Data, name: String) throws -> [String] {
        try data.withUnsafeBytes { bytes in
            var status: Int32 = 0
            guard let pdf = kura_pdf_open(bytes.baseAddress, bytes.count, &status) else {
                if status == Int32(KURA_PDF_ENCRYPTED) {
                    throw KuraError.invalidArgument("\(name): encrypted PDF (it needs a password; Kura does not decrypt)")
                }
                throw KuraError.invalidArgument("\(name): damaged PDF (Poppler cannot parse it)")
            }
            defer { kura_pdf_close(pdf) }
            return (0..<kura_pdf_pages(pdf)).map { i in
                var length = 0
                guard let text = kura_pdf_page_text(pdf, i, &length) else { return "" }
                defer { free(text) }
                return String(decoding: UnsafeRawBufferPointer(start: text, count: length), as: UTF8.self)
            }
        }
    }

    /// A page's lines without trailing whitespace.
    static func lines(_ page: String) -> [String] {
        page.split(separator: "\n", omittingEmptySubsequences: false).map { line in
            let scalars = line.unicodeScalars
            var end = scalars.endIndex
            while end > scalars.startIndex, scalars[scalars.index(before: end)].properties.isWhitespace { end = scalars.index(before: end) }
            return String(scalars[scalars.startIndex..<end])
        }
    }

    /// How many non-blank lines at each end of a page can be a running header or footer.
    static let margin = 4

    /// Pages without their running headers and footers: a line among the first or last `margin` non-blank
    /// lines of a page whose shape (digits as `#`, spaces collapsed) recurs there on at least half the
    /// pages, and on three or more. Shorter documents keep every line.
    static func clean(_ pages: [[String]]) -> [[String]] {
        guard pages.count >= 3 else { return pages.map(tidy) }
        var seen: [String: Int] = [:]
        for page in pages {
            for key in Set(margins(page).map { shape(page[$0]) }) { seen[key, default: 0] += 1 }
        }
        let needed = max(3, (pages.count + 1) / 2)
        return pages.map { page in
            let drop = Set(margins(page).filter { seen[shape(page[$0]), default: 0] >= needed })
            return tidy(page.indices.filter { !drop.contains($0) }.map { page[$0] })
        }
    }

    /// Blank lines at a page's ends removed and runs of them made one.
    static func tidy(_ lines: [String]) -> [String] {
        var out: [String] = []
        for line in lines where !(line.isEmpty && (out.last?.isEmpty ?? true)) { out.append(line) }
        if out.last?.isEmpty == true { out.removeLast() }
        return out
    }

    /// Indices of the first and last `margin` non-blank lines.
    static func margins(_ page: [String]) -> [Int] {
        let filled = page.indices.filter { !page[$0].isEmpty }
        return Array(Set(filled.prefix(margin) + filled.suffix(margin))).sorted()
    }

    static func shape(_ line: String) -> String {
        String(line.map { $0.isNumber ? "#" : $0 }).split(whereSeparator: \.isWhitespace).joined(separator: " ")
    }

    /// Pages joined by a blank line, a hyphen that ends a line (or a page) before a lower-case letter
    /// removed with its break; `pages` gives each page's first scalar.
    static func join(_ pages: [[String]]) -> (text: String, pages: PageMap) {
        var text = ""
        text.reserveCapacity(pages.reduce(0) { $0 + $1.reduce(0) { $0 + $1.utf8.count + 1 } + 2 })
        var starts: [Int] = []
        var count = 0
        for (n, page) in pages.enumerated() {
            if n > 0, let first = page.first, joinsNext(text, first) {
                text.unicodeScalars.removeLast()
                count -= 1
            } else if n > 0 {
                text += "\n\n"
                count += 2
            }
            starts.append(count)
            for (i, line) in page.enumerated() {
                let last = i + 1 == page.count
                let joins = !last && joinsNext(line, page[i + 1])
                let body = joins ? Substring(line.unicodeScalars.dropLast()) : Substring(line)
                text += body
                count += body.unicodeScalars.count + (joins || last ? 0 : 1)
                if !joins && !last { text += "\n" }
            }
        }
        return (text, PageMap(unit: .page, starts: starts))
    }

    /// `line` ends in a letter and a hyphen (or soft hyphen) and `next` goes on in lower case.
    static func joinsNext(_ line: String, _ next: String) -> Bool {
        let scalars = line.unicodeScalars
        guard let last = scalars.last, last == "-" || last == "\u{AD}" || last == "\u{2010}" else { return false }
        let hyphen = scalars.index(before: scalars.endIndex)
        guard hyphen > scalars.startIndex, scalars[scalars.index(before: hyphen)].properties.isAlphabetic, let first = next.unicodeScalars.first
        else { return false }
        return first.properties.isLowercase
    }
}
