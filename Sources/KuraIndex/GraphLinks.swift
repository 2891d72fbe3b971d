import CKuraKernels

/// Read access to an HNSW graph's adjacency lists, wherever they live: the heap for a growing index,
/// a mapped file for a segment. A list is `[count, id0, id1, ...]` in `UInt32`s.
protocol GraphLinks {
    /// Rows below this bound exist; ids read from lists are checked against it, so a corrupt file
    /// cannot send a search out of bounds.
    var rowBound: Int { get }
    var maxM0: Int { get }
    var maxM: Int { get }
    /// The list of `row` at `level`, or nil when the row does not reach that level.
    func links(_ row: UInt32, level: Int) -> UnsafePointer<UInt32>?
}
