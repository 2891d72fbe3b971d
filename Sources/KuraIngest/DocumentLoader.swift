import Foundation
import KuraCore
import KuraStore

/// A document read from a file, before chunking.
public struct SourceDocument: Sendable, Equatable {
    public var id: String
    public var text: String
    /// A JSON object (canonical text): source path and format, plus a .jsonl record's own metadata.
    public var metadata: String
    public var format: TextFormat
    /// A title to head every chunk's heading path (a .jsonl record's metadata "title").
    public var title: String?

    public init(id: String, text: String, metadata: String, format: TextFormat = .plain, title: String? = nil) {
        self.id = id
        self.text = text
        self.metadata = metadata
        self.format = format
        self.title = title
    }
}

/// Reads the formats Kura ingests: .txt, .md, .rst, .html, .jsonl (`{"id","text","metadata"}` per line)
/// and source code. Text must be valid UTF-8; a file that is not fails alone, with its path.
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
        return markdown.contains(ext) || plain.contains(ext) || html.contains(ext) || code.contains(ext) || ext == "jsonl"
    }

    /// Why Kura does not read files with this name (the format it is), or nil when it does.
    public static func unsupported(_ path: String) -> String? {
        guard !supports(path) else { return nil }
        let ext = ((path as NSString).lastPathComponent as NSString).pathExtension.lowercased()
        let known: [String: String] = [
            "pdf": "PDF", "docx": "Word", "doc": "Word", "pptx": "PowerPoint", "ppt": "PowerPoint", "odt": "OpenDocument text",
            "odp": "OpenDocument slides", "epub": "EPUB", "xlsx": "Excel", "rtf": "RTF",
        ]
        if let name = known[ext] { return "unsupported format: \(name) (.\(ext)) is not read yet" }
        return ext.isEmpty ? "unsupported format (no extension)" : "unsupported format (.\(ext.prefix(16)))"
    }

    public static func format(of path: String) -> TextFormat {
        let ext = (path as NSString).pathExtension.lowercased()
        if markdown.contains(ext) { return .markdown }
        if ext == "rst" || ext == "rest" { return .restructuredText }
        if code.contains(ext) || ["dockerfile", "makefile"].contains((path as NSString).lastPathComponent.lowercased()) { return .code }
        return .plain
    }

    /// The documents in one file; `id` is the path the caller names it by (relative to the ingest root).
    public static func load(path: String, id: String) throws -> [SourceDocument] {
        let data: Data
        do { data = try Data(contentsOf: URL(fileURLWithPath: path)) } catch {
            throw KuraError.io(path: path, reason: "cannot read: \(error.localizedDescription)")
        }
        guard let text = String(validating: data, as: UTF8.self) else {
            throw KuraError.invalidArgument("\(path): not valid UTF-8 text")
        }
        let ext = (path as NSString).pathExtension.lowercased()
        if ext == "jsonl" { return try jsonl(text, path: path) }
        let format = format(of: path)
        let body = html.contains(ext) ? HTMLText.extract(text) : text
        let kind = html.contains(ext) ? "html" : format.rawValue
        let meta = try Record.canonical(.object(["source": .string(id), "format": .string(kind)]))
        return [SourceDocument(id: id, text: body, metadata: meta, format: format)]
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
