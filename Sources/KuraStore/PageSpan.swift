import Foundation

/// The pages (of a PDF) or slides (of a presentation) a chunk or passage holds: the loaders write it into
/// chunk metadata as ``fields`` (`page_start`/`page_end`, or `slide`), and results read it back from there,
/// so citations can name them.
public struct PageSpan: Sendable, Equatable {
    /// What the numbers count.
    public enum Unit: String, Sendable {
        case page, slide
    }

    /// Pages or slides.
    public var unit: Unit
    /// The first held, from 1.
    public var first: Int
    /// The last held (equal to `first` for one).
    public var last: Int

    /// A span of `unit`s from `first` through `last`.
    public init(unit: Unit, first: Int, last: Int) {
        self.unit = unit
        self.first = first
        self.last = last
    }

    /// The span in a chunk's metadata, or nil when it names none.
    public init?(chunkMetadata text: String) {
        guard text.contains("page_start") || text.contains("slide"),
            let object = (try? JSONSerialization.jsonObject(with: Data(text.utf8))) as? [String: Any]
        else { return nil }
        if let first = object["page_start"] as? Int {
            self.init(unit: .page, first: first, last: object["page_end"] as? Int ?? first)
        } else if let slide = object["slide"] as? Int {
            self.init(unit: .slide, first: slide, last: slide)
        } else {
            return nil
        }
    }

    /// The span covering both, when both are of one unit; otherwise whichever there is.
    public static func union(_ a: PageSpan?, _ b: PageSpan?) -> PageSpan? {
        guard let a, let b, a.unit == b.unit else { return a ?? b }
        return PageSpan(unit: a.unit, first: min(a.first, b.first), last: max(a.last, b.last))
    }

    /// How a reader cites it: `p. 3`, `pp. 3–5`, `slide 2`, `slides 2–3`.
    public var label: String {
        let range = first == last ? "\(first)" : "\(first)–\(last)"
        switch unit {
        case .page: return (first == last ? "p. " : "pp. ") + range
        case .slide: return (first == last ? "slide " : "slides ") + range
        }
    }

    /// The JSON fields answered with it: `page_start` and `page_end`, or `slide` (and `slide_end` when a
    /// passage spans several).
    public var fields: [String: Int] {
        switch unit {
        case .page: ["page_start": first, "page_end": last]
        case .slide: first == last ? ["slide": first] : ["slide": first, "slide_end": last]
        }
    }
}
