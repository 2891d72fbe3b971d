import Foundation

/// Okapi BM25 as Lucene computes it: idf = ln(1 + (N − df + 0.5) / (df + 0.5)), and a term's score in a
/// document of length dl is idf · tf · (k1 + 1) / (tf + k1 · (1 − b + b · dl / avgdl)). Statistics are the
/// collection's own and, as in Lucene, count deleted rows until compaction drops them.
public struct BM25: Sendable, Equatable {
    /// Term-frequency saturation.
    public var k1: Float = 1.2
    /// Length normalisation, 0 (none) to 1 (full).
    public var b: Float = 0.75

    /// BM25 with Lucene's defaults unless told otherwise.
    public init(k1: Float = 1.2, b: Float = 0.75) {
        self.k1 = k1
        self.b = b
    }

    /// A term's weight in a collection of `documents` rows of which `df` hold it.
    public func idf(documents: Int, df: Int) -> Float {
        Float(log(1 + (Double(documents) - Double(df) + 0.5) / (Double(df) + 0.5)))
    }

    /// The collection-wide part of the length normalisation, computed once per query.
    public struct Norms: Sendable {
        let k1: Float
        /// k1 · (1 − b) and k1 · b / avgdl.
        let constant: Float
        let perLength: Float

        /// A term's score: `weight` is idf · (k1 + 1). Increasing in `tf`, decreasing in `length`, so the
        /// largest tf with the smallest length bounds every document of a block.
        @inline(__always)
        func score(weight: Float, tf: UInt32, length: UInt32) -> Float {
            let f = Float(tf)
            return weight * f / (f + constant + perLength * Float(length))
        }
    }

    /// The normalisation for a collection whose average length is `averageLength` (0: no length effect).
    public func norms(averageLength: Float) -> Norms {
        Norms(k1: k1, constant: k1 * (1 - b), perLength: averageLength > 0 ? k1 * b / averageLength : 0)
    }
}
