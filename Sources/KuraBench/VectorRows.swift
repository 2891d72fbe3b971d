import KuraCore

/// Base vectors read a block at a time: a `.npy` file stays mapped and its rows are converted as they are
/// asked for, so a benchmark at millions of rows holds no copy of them in anonymous memory; other formats
/// are loaded whole.
public final class VectorRows: @unchecked Sendable {
    /// Rows in the file (or the limit).
    public let rows: Int
    /// Values per row.
    public let dimension: Int
    private let source: Source

    private enum Source {
        case mapped(MappedFile, NpyLayout)
        case loaded(VectorSet)
    }

    /// Opens `path`, keeping at most `limit` rows.
    /// - Throws: as `VectorFiles.loadVectors`.
    public init(path: String, limit: Int? = nil) throws {
        if path.hasSuffix(".npy") {
            let file = try MappedFile(path: path, minimumBytes: 10) { _ in "not a .npy file" }
            let layout = try NpyLayout(UnsafeRawBufferPointer(start: file.base, count: file.count), path: path)
            file.advise(offset: 0, length: file.count, .sequential)
            source = .mapped(file, layout)
            rows = min(layout.rows, limit ?? layout.rows)
            dimension = layout.dimension
        } else {
            var set = try VectorFiles.loadVectors(path)
            if let limit { set = set.prefix(limit) }
            source = .loaded(set)
            rows = set.rows
            dimension = set.dimension
        }
    }

    /// Rows `range` (within `0..<rows`) as f32, row after row.
    public func block(_ range: Range<Int>) -> [Float] {
        precondition(range.lowerBound >= 0 && range.upperBound <= rows, "rows \(range) of \(rows)")
        switch source {
        case .loaded(let set): return Array(set.data[(range.lowerBound * dimension)..<(range.upperBound * dimension)])
        case .mapped(let file, let layout):
            return [Float](unsafeUninitializedCapacity: range.count * dimension) { buffer, n in
                layout.copyRows(range, from: file.base, into: buffer.baseAddress!)
                n = range.count * dimension
            }
        }
    }
}
