import KuraStore

/// Where the pages of a paged document (a PDF's pages, a presentation's slides) begin in its text, so
/// each chunk can say which pages it holds.
public struct PageMap: Sendable, Equatable {
    public enum Unit: String, Sendable {
        case page, slide
    }

    public var unit: Unit
    /// The first Unicode scalar of each page, ascending; page n (from 1) starts at `starts[n - 1]`.
    public var starts: [Int]

    public init(unit: Unit, starts: [Int]) {
        self.unit = unit
        self.starts = starts
    }

    /// The page holding scalar `offset` (from 1).
    public func page(at offset: Int) -> Int {
        var lo = 0, hi = starts.count
        while lo < hi {
            let mid = (lo + hi) / 2
            if starts[mid] <= offset { lo = mid + 1 } else { hi = mid }
        }
        return max(1, lo)
    }

    /// The pages a span of `text` touches, its leading and trailing whitespace aside: `page_start` and
    /// `page_end`, or `slide` (a slide is a section, so a chunk never spans two).
    public func metadata(of span: Range<Int>, in text: [Unicode.Scalar]) -> [String: JSONValue] {
        var lo = span.lowerBound, hi = span.upperBound
        while lo < hi, text[lo].properties.isWhitespace { lo += 1 }
        while hi > lo, text[hi - 1].properties.isWhitespace { hi -= 1 }
        let first = page(at: lo), last = page(at: max(lo, hi - 1))
        switch unit {
        case .page: return ["page_start": .number(Double(first)), "page_end": .number(Double(last))]
        case .slide: return ["slide": .number(Double(first))]
        }
    }
}
