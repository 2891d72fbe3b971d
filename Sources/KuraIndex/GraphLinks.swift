#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

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

/// Striped mutexes guarding adjacency lists during parallel insertion: row r uses stripe r mod count.
final class NodeLocks: @unchecked Sendable {
    private let mutexes: UnsafeMutablePointer<pthread_mutex_t>
    private let mask: Int

    init(stripes: Int = 1 << 14) {
        var n = 1
        while n < stripes { n <<= 1 }
        mask = n - 1
        mutexes = .allocate(capacity: n)
        for i in 0..<n { pthread_mutex_init(mutexes + i, nil) }
    }

    deinit {
        for i in 0...mask { pthread_mutex_destroy(mutexes + i) }
        mutexes.deallocate()
    }

    @inline(__always) func lock(_ row: UInt32) { pthread_mutex_lock(mutexes + (Int(row) & mask)) }
    @inline(__always) func unlock(_ row: UInt32) { pthread_mutex_unlock(mutexes + (Int(row) & mask)) }
}
