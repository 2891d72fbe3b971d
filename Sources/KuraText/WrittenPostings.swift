import KuraCore

/// A postings section (see ``PostingsFormat``) as the pieces it was written in: the header, the term
/// table, the term bytes, the postings, then the row and document tables, each in memory or in a spill
/// file. A merge hands the pieces to the segment writer, so a section of gigabytes is never one array.
public final class WrittenPostings: @unchecked Sendable {
    enum Piece {
        case memory([UInt8])
        case spill(SpillFile)
    }

    /// The rows the section indexes.
    public let rows: Int
    let pieces: [Piece]

    init(rows: Int, pieces: [Piece]) {
        self.rows = rows
        self.pieces = pieces
    }

    /// A section already in one array (``PostingsWriter/write(_:)``), of `rows` rows.
    public convenience init(_ section: [UInt8], rows: Int) { self.init(rows: rows, pieces: [.memory(section)]) }

    /// The section's size in bytes.
    public var count: Int {
        pieces.reduce(0) {
            switch $1 {
            case .memory(let a): $0 + a.count
            case .spill(let f): $0 + f.count
            }
        }
    }

    /// Calls `body` with the section's bytes as pieces in order; they are valid only during the call.
    /// - Throws: what `body` throws, or `KuraError.io` when a spill file cannot be mapped.
    public func withPieces<T>(_ body: ([UnsafeRawBufferPointer]) throws -> T) throws -> T {
        func from(_ i: Int, _ done: [UnsafeRawBufferPointer]) throws -> T {
            guard i < pieces.count else { return try body(done) }
            switch pieces[i] {
            case .memory(let a): return try a.withUnsafeBytes { try from(i + 1, done + [$0]) }
            case .spill(let f): return try from(i + 1, done + [try f.mapped()])
            }
        }
        return try from(0, [])
    }

    /// The whole section in one array: for small sections and tests.
    /// - Throws: `KuraError.io` when a spill file cannot be mapped.
    public func joined() throws -> [UInt8] {
        try withPieces { pieces in
            var out: [UInt8] = []
            out.reserveCapacity(count)
            for p in pieces { out += p }
            return out
        }
    }
}
