/// Restricts a search to some rows. The filter is evaluated inside the graph walk: rows it rejects
/// are still walked through, but never returned.
public enum RowFilter: Sendable {
    /// Only the rows in the set.
    case rows(Bitset)
    /// Only the rows for which the predicate is true.
    case predicate(@Sendable (UInt32) -> Bool)
}

/// Decides per row whether a search may return it: not tombstoned, and allowed by the filter.
struct RowAcceptor {
    let tombstones: UnsafePointer<UInt64>?
    let allowed: UnsafePointer<UInt64>?
    let allowedBound: Int
    let predicate: ((UInt32) -> Bool)?

    static var all: RowAcceptor { RowAcceptor(tombstones: nil, allowed: nil, allowedBound: 0, predicate: nil) }

    /// True when every row is accepted, so search can take its unfiltered stopping rule.
    var acceptsAll: Bool { tombstones == nil && allowed == nil && predicate == nil }

    @inline(__always)
    func accepts(_ row: UInt32) -> Bool {
        let r = Int(row)
        if let t = tombstones, t[r >> 6] & (1 << UInt64(r & 63)) != 0 { return false }
        if let a = allowed {
            if r >= allowedBound || a[r >> 6] & (1 << UInt64(r & 63)) == 0 { return false }
        }
        if let p = predicate, !p(row) { return false }
        return true
    }
}
