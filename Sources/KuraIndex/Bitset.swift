/// A fixed-size set of row numbers, one bit each. Used for allowed-row filters and tombstones.
public struct Bitset: Sendable, Equatable {
    /// The bits, row r at bit `r % 64` of word `r / 64`.
    public private(set) var words: [UInt64]
    /// Rows the set can hold: `0..<capacity`.
    public let capacity: Int

    /// An empty set for rows `0..<capacity`.
    public init(capacity: Int) {
        self.capacity = capacity
        words = [UInt64](repeating: 0, count: (capacity + 63) / 64)
    }

    /// A set holding `rows`, each in `0..<capacity` (one outside it traps).
    public init<S: Sequence>(capacity: Int, rows: S) where S.Element: BinaryInteger {
        self.init(capacity: capacity)
        for r in rows { insert(Int(r)) }
    }

    /// Builds a set from raw words (as stored on disk); bits at or past `capacity` are cleared.
    public init(capacity: Int, words: [UInt64]) {
        self.capacity = capacity
        var w = words
        w += [UInt64](repeating: 0, count: max(0, (capacity + 63) / 64 - w.count))
        w.removeLast(max(0, w.count - (capacity + 63) / 64))
        if capacity % 64 != 0, !w.isEmpty { w[w.count - 1] &= (1 << UInt64(capacity % 64)) - 1 }
        self.words = w
    }

    /// Whether `row` is in the set; false for rows outside `0..<capacity`.
    @inline(__always)
    public func contains(_ row: Int) -> Bool {
        row >= 0 && row < capacity && words[row >> 6] & (1 << UInt64(row & 63)) != 0
    }

    /// Adds `row`, which must be in `0..<capacity` (traps otherwise: a caller's bug).
    public mutating func insert(_ row: Int) {
        precondition(row >= 0 && row < capacity, "row \(row) outside bitset of \(capacity)")
        words[row >> 6] |= 1 << UInt64(row & 63)
    }

    /// Removes `row`; rows outside `0..<capacity` are ignored.
    public mutating func remove(_ row: Int) {
        guard row >= 0 && row < capacity else { return }
        words[row >> 6] &= ~(1 << UInt64(row & 63))
    }

    /// Rows in the set.
    public var count: Int { words.reduce(0) { $0 + $1.nonzeroBitCount } }

    /// The rows in the set, ascending.
    public var rows: [UInt32] {
        var out: [UInt32] = []
        out.reserveCapacity(count)
        for (wi, var w) in words.enumerated() {
            while w != 0 {
                out.append(UInt32(wi * 64 + w.trailingZeroBitCount))
                w &= w - 1
            }
        }
        return out
    }
}
