import Foundation

/// How a text is split into sections before chunking: whole (plain), at headings (markdown,
/// reStructuredText), or at definitions (code).
public enum TextFormat: String, Sendable {
    case plain, markdown
    case restructuredText = "rst"
    case code
}
