import Foundation
import KuraCore
import KuraStore

/// A document read from a file, before chunking.
public struct SourceDocument: Sendable, Equatable {
    /// The document's id in its collection.
    public var id: String
    /// The document's text.
    public var text: String
    /// A JSON object (canonical text): source path and format, plus a .jsonl record's own metadata.
    public var metadata: String
    /// How the text is split into sections.
    public var format: TextFormat
    /// A title to head every chunk's heading path (a .jsonl record's metadata "title").
    public var title: String?
    /// Where pages or slides begin, for paged formats (PDF, presentations); chunks carry their range.
    public var pages: PageMap?

    /// A document with the fields above.
    public init(id: String, text: String, metadata: String, format: TextFormat = .plain, title: String? = nil, pages: PageMap? = nil) {
        self.id = id
        self.text = text
        self.metadata = metadata
        self.format = format
        self.title = title
        self.pages = pages
    }
}
