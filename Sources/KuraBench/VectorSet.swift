import CKuraKernels
import Foundation
import KuraCore

/// A block of vectors read from a benchmark file, as f32 rows.
public struct VectorSet: Sendable {
    /// Rows held.
    public var rows: Int
    /// Values per row.
    public var dimension: Int
    /// The rows, one after another.
    public var data: [Float]

    /// A set of `rows` rows of `dimension` values from `data` (`rows * dimension` of them).
    public init(rows: Int, dimension: Int, data: [Float]) {
        self.rows = rows
        self.dimension = dimension
        self.data = data
    }

    /// The first `n` rows.
    public func prefix(_ n: Int) -> VectorSet {
        let n = min(n, rows)
        return VectorSet(rows: n, dimension: dimension, data: Array(data[0..<(n * dimension)]))
    }
}
