import Foundation
import KuraCore
import KuraStore

/// Reads the formats Kura ingests: .txt, .md, .rst, .html, .jsonl (`{"id","text","metadata"}` per line),
/// source code, PDF, Word and OpenDocument text, PowerPoint and OpenDocument slides, and EPUB. Text must be
/// valid UTF-8; a file that is not, or that is encrypted, damaged or without text, fails alone, with why.
public enum DocumentLoader {
    static let markdown: Set<String> = ["md", "markdown", "mdx"]
    static let plain: Set<String> = ["txt", "text", "rst", "rest", "adoc", ""]
    static let html: Set<String> = ["html", "htm", "xhtml"]
    static let code: Set<String> = [
        "swift", "py", "go", "rs", "c", "h", "cc", "cpp", "hpp", "java", "kt", "js", "ts", "tsx", "jsx", "rb", "php", "cs", "scala", "sh", "bash",
        "zsh", "sql", "yaml", "yml", "toml", "json", "proto", "tf", "lua", "r", "pl", "m", "mm", "dockerfile", "makefile",
    ]

    /// Whether Kura reads files with this name.
    public static func supports(_ path: String) -> Bool {
        let name = (path as NSString).lastPathComponent.lowercased()
        let ext = (name as NSString).pathExtension
        if ext.isEmpty { return ["dockerfile", "makefile", "readme", "license"].contains(name) }
        return markdown.contains(ext) || plain.contains(ext) || html.contains(ext) || code.contains(ext) || isBinary(path) || ext == "jsonl"
    }

    /// Whether the file is a binary document (PDF, Office, OpenDocument, EPUB) rather than text.
    public static func isBinary(_ path: String) -> Bool {
        let ext = (path as NSString).pathExtension.lowercased()
        return ext == "pdf" || OfficeText.extensions.contains(ext)
    }

    /// Why Kura does not read files with this name (the format it is), or nil when it does.
    public static func unsupported(_ path: String) -> String? {
        guard !supports(path) else { return nil }
        let ext = ((path as NSString).lastPathComponent as NSString).pathExtension.lowercased()
        let known: [String: String] = [
            "doc": "Word 97-2003 (save it as .docx)", "ppt": "PowerPoint 97-2003 (save it as .pptx)", "xlsx": "Excel", "ods": "OpenDocument spreadsheet",
            "rtf": "RTF",
        ]
        if let name = known[ext] { return "unsupported format: \(name) (.\(ext)) is not read yet" }
        return ext.isEmpty ? "unsupported format (no extension)" : "unsupported format (.\(ext.prefix(16)))"
    }

    /// The text format of a path, by its extension: markdown, reStructuredText, code, else plain.
    public static func format(of path: String) -> TextFormat {
        let ext = (path as NSString).pathExtension.lowercased()
        if markdown.contains(ext) { return .markdown }
        if ext == "rst" || ext == "rest" { return .restructuredText }
        if code.contains(ext) || ["dockerfile", "makefile"].contains((path as NSString).lastPathComponent.lowercased()) { return .code }
        return .plain
    }

    /// The documents in one file; `id` is the path the caller names it by (relative to the ingest root).
    /// - Throws: `KuraError.io` when the file cannot be read, or ``load(_:name:id:)``'s errors.
    public static func load(path: String, id: String) throws -> [SourceDocument] {
        let ext = (path as NSString).pathExtension.lowercased()
        if OfficeText.extensions.contains(ext) { return [try office(try OfficeText.document(file: path), ext: ext, id: id)] }
        let data: Data
        do { data = try Data(contentsOf: URL(fileURLWithPath: path)) } catch {
            throw KuraError.io(path: path, reason: "cannot read: \(error.localizedDescription)")
        }
        return try load(data, name: path, id: id)
    }

    /// The documents in a file's bytes; `name` (a path or an upload's file name) gives the format by its
    /// extension and heads error messages.
    /// - Throws: `KuraError.invalidArgument` naming `name`: text that is not UTF-8, a bad .jsonl line, or
    ///   a binary document that is encrypted, damaged or holds no text.
    public static func load(_ data: Data, name: String, id: String) throws -> [SourceDocument] {
        let ext = (name as NSString).pathExtension.lowercased()
        if ext == "pdf" {
            let (text, pages) = try PDFText.document(data, name: name)
            let meta = try Record.canonical(.object(["source": .string(id), "format": .string("pdf"), "pages": .number(Double(pages.starts.count))]))
            return [SourceDocument(id: id, text: text, metadata: meta, pages: pages)]
        }
        if OfficeText.extensions.contains(ext) { return [try office(try OfficeText.document(data, name: name), ext: ext, id: id)] }
        guard let text = String(validating: data, as: UTF8.self) else {
            throw KuraError.invalidArgument("\(name): not valid UTF-8 text")
        }
        if ext == "jsonl" { return try jsonl(text, path: name) }
        let format = format(of: name)
        let body = html.contains(ext) ? HTMLText.extract(text) : text
        let kind = html.contains(ext) ? "html" : format.rawValue
        let meta = try Record.canonical(.object(["source": .string(id), "format": .string(kind)]))
        return [SourceDocument(id: id, text: body, metadata: meta, format: format)]
    }

    /// An Office, OpenDocument or EPUB document: markdown text, slides as pages, the package's title.
    static func office(_ read: (text: String, slides: PageMap?, title: String?), ext: String, id: String) throws -> SourceDocument {
        var meta: [String: JSONValue] = ["source": .string(id), "format": .string(ext)]
        if let slides = read.slides { meta["slides"] = .number(Double(slides.starts.count)) }
        if let title = read.title, !title.isEmpty { meta["title"] = .string(title) }
        return SourceDocument(id: id, text: read.text, metadata: try Record.canonical(.object(meta)), format: .markdown, title: read.title, pages: read.slides)
    }

    /// One document per line; `id` and `text` are required, `metadata` must be an object if present.
    static func jsonl(_ text: String, path: String) throws -> [SourceDocument] {
        var out: [SourceDocument] = []
        for (n, line) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            let trimmed = line.trimmingCharacters(in: .whitespacesAndNewlines)
            if trimmed.isEmpty { continue }
            guard case .object(let o)? = try? JSONDecoder().decode(JSONValue.self, from: Data(trimmed.utf8)) else {
                throw KuraError.invalidArgument("\(path):\(n + 1): not a JSON object")
            }
            guard case .string(let id)? = o["id"], !id.isEmpty else { throw KuraError.invalidArgument("\(path):\(n + 1): \"id\" must be a non-empty string") }
            guard case .string(let body)? = o["text"] else { throw KuraError.invalidArgument("\(path):\(n + 1): \"text\" must be a string") }
            var meta: [String: JSONValue] = [:]
            if let m = o["metadata"] {
                guard case .object(let mo) = m else { throw KuraError.invalidArgument("\(path):\(n + 1): \"metadata\" must be an object") }
                meta = mo
            }
            out.append(try SourceDocument(id: id, text: body, metadata: meta))
        }
        return out
    }
}
