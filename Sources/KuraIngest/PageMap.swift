import KuraStore

/// Where the pages of a paged document (a PDF's pages, a presentation's slides) begin in its text, so
/// each chunk can say which pages it holds.
public struct PageMap: Sendable, Equatable {
    /// Pages or slides.
    public var unit: PageSpan.Unit
    /// The first Unicode scalar of each page, ascending; page n (from 1) starts at `starts[n - 1]`.
    public var starts: [Int]

    /// A map of pages beginning at `starts`.
    public init(unit: PageSpan.Unit, starts: [Int]) {
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

    /// The pages a span of `text` touches, its leading and trailing whitespace aside (a slide is a
    /// section, so a chunk never spans two).
    public func span(of range: Range<Int>, in text: [Unicode.Scalar]) -> PageSpan {
        var lo = range.lowerBound, hi = range.upperBound
        while lo < hi, text[lo].properties.isWhitespace { lo += 1 }
        while hi > lo, text[hi - 1].properties.isWhitespace { hi -= 1 }
        return PageSpan(unit: unit, first: page(at: lo), last: page(at: max(lo, hi - 1)))
    }
}
