import CKuraKernels
import Synchronization

/// Scratch memory for one search at a time: visited marks, both heaps, and buffers for neighbour ids,
/// distances and the prepared query. Pooled per index so searches allocate nothing.
final class SearchContext: @unchecked Sendable {
    var visited: VisitedSet
    var candidates: MaxHeap
    var results: MaxHeap
    let ids: UnsafeMutablePointer<UInt32>
    let distances: UnsafeMutablePointer<Float>
    let query: UnsafeMutablePointer<Float>
    /// The query as the int8 traversal kernels take it (see `DistanceKernel.prepared`).
    let preparedQuery: UnsafeMutableRawPointer
    /// One stored row decoded to floats (see `DistanceKernel.row(_:into:)`), for graph construction.
    let row: UnsafeMutablePointer<Float>
    let listCapacity: Int
    /// Candidates expanded together on level 0 (see `HNSWSearcher.searchLayer`). Measured on AMD EPYC over
    /// interleaved runs: at 10M rows 2 gains 5-10% QPS over 1 at the same recall; at 1M 2 is level with 1
    /// and 4 loses (it expands more than the walk needs).
    static let beam = 2

    init(rows: Int, maxM0: Int, dimension: Int) {
        visited = VisitedSet(capacity: rows)
        candidates = MaxHeap(capacity: 256)
        results = MaxHeap(capacity: 256)
        listCapacity = maxM0 + 1
        ids = .allocate(capacity: Self.beam * listCapacity)
        distances = .allocate(capacity: Self.beam * listCapacity)
        query = .allocate(capacity: max(dimension, 1))
        preparedQuery = .allocate(byteCount: ck_i8q_bytes(max(dimension, 1)), alignment: 64)
        row = .allocate(capacity: max(dimension, 1))
    }

    deinit {
        visited.deallocate()
        candidates.deallocate()
        results.deallocate()
        ids.deallocate()
        distances.deallocate()
        query.deallocate()
        preparedQuery.deallocate()
        row.deallocate()
    }
}
