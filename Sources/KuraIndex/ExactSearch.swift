import CKuraKernels
import COpenBLAS
import KuraCore

/// Exact k-nearest-neighbour search: all query–row scores as one matrix product (`cblas_sgemm`), in
/// blocks that stay in cache, then a bounded heap per query. It is the oracle for recall and the
/// path for small or heavily filtered collections.
public enum ExactSearch {
    static let rowBlock = 2048
    static let queryBlock = 512

    /// The `k` nearest rows of `base` (`rows` vectors, `rowStride` floats apart) for each query in
    /// `queries` (row-major, `dimension` floats each). Cosine assumes unit-length base rows, as an
    /// index stores them; queries are normalised here.
    public static func search(
        queries: UnsafeBufferPointer<Float>, dimension: Int, base: UnsafePointer<Float>, rowStride: Int, rows: Int,
        metric: Metric, k: Int
    ) throws -> [[Neighbor]] {
        guard dimension > 0, queries.count % dimension == 0 else {
            throw KuraError.invalidArgument("\(queries.count) floats do not make queries of dimension \(dimension)")
        }
        guard k > 0 else { throw KuraError.invalidArgument("k must be at least 1, got \(k)") }
        let nq = queries.count / dimension
        var q = Array(queries)
        if metric.normalizes {
            q.withUnsafeMutableBufferPointer { p in
                for i in 0..<nq { Vectors.normalize(UnsafeMutableBufferPointer(rebasing: p[(i * dimension)..<((i + 1) * dimension)])) }
            }
        }
        var heaps = (0..<nq).map { _ in MaxHeap(capacity: k + 1) }
        defer { for h in heaps { h.deallocate() } }
        let scores = UnsafeMutablePointer<Float>.allocate(capacity: queryBlock * rowBlock)
        defer { scores.deallocate() }
        var norms = [Float](repeating: 0, count: rowBlock)
        let kernels = ck_active().pointee
        q.withUnsafeBufferPointer { qp in
            for r0 in stride(from: 0, to: rows, by: rowBlock) {
                let nb = min(rowBlock, rows - r0)
                let block = base + r0 * rowStride
                if metric == .l2 {
                    for j in 0..<nb { norms[j] = kernels.dot_f32(block + j * rowStride, block + j * rowStride, dimension) }
                }
                for q0 in stride(from: 0, to: nq, by: queryBlock) {
                    let mb = min(queryBlock, nq - q0)
                    cblas_sgemm(
                        CblasRowMajor, CblasNoTrans, CblasTrans, Int32(mb), Int32(nb), Int32(dimension), 1,
                        qp.baseAddress! + q0 * dimension, Int32(dimension), block, Int32(rowStride), 0, scores, Int32(nb))
                    for i in 0..<mb {
                        let s = scores + i * nb
                        var qn: Float = 0
                        if metric == .l2 { qn = kernels.dot_f32(qp.baseAddress! + (q0 + i) * dimension, qp.baseAddress! + (q0 + i) * dimension, dimension) }
                        // Scores become distances in place (smaller is closer), then feed the heap.
                        if metric == .l2 {
                            for j in 0..<nb { s[j] = norms[j] - 2 * s[j] + qn }
                        } else {
                            for j in 0..<nb { s[j] = -s[j] }
                        }
                        collect(&heaps[q0 + i], distances: s, count: nb, firstRow: r0, k: k)
                    }
                }
            }
        }
        return heaps.indices.map { i in
            heaps[i].drainAscending().map { Neighbor(row: $0.row, distance: metric.publicDistance($0.distance)) }
        }
    }

    /// Keeps the `k` smallest distances; almost every candidate fails the first comparison.
    @inline(__always)
    private static func collect(_ heap: inout MaxHeap, distances: UnsafePointer<Float>, count: Int, firstRow: Int, k: Int) {
        var worst = heap.count < k ? Float.infinity : heap.top.distance
        for j in 0..<count where distances[j] < worst {
            if heap.count < k {
                heap.push(distances[j], UInt32(firstRow + j))
            } else {
                heap.replaceTop(distances[j], UInt32(firstRow + j))
            }
            worst = heap.count < k ? Float.infinity : heap.top.distance
        }
    }
}

extension HNSWIndex {
    /// Exact search over every row of this index (tombstones included: it is an oracle of the vectors).
    public func exactSearch(_ queries: [Float], k: Int) throws -> [[Neighbor]] {
        try queries.withUnsafeBufferPointer {
            try ExactSearch.search(
                queries: $0, dimension: dimension, base: vectors.typed(Float.self), rowStride: stride / 4, rows: count,
                metric: metric, k: k)
        }
    }
}
