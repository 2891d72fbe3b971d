/// What a benchmark or a store needs from a searchable index, growing or sealed.
public protocol VectorSearchable: AnyObject, Sendable {
    var dimension: Int { get }
    var count: Int { get }
    func search(_ query: UnsafeBufferPointer<Float>, k: Int, ef: Int?, filter: RowFilter?, strategy: FilterStrategy) throws -> [Neighbor]
    func id(ofRow row: UInt32) -> UInt64
}

extension HNSWIndex: VectorSearchable {}
extension Segment: VectorSearchable {}

extension HNSWIndex {
    /// Bytes allocated for rows, graph, ids and tombstones.
    public var memoryBytes: Int {
        var total = vectors.byteCount + level0.byteCount + levels.byteCount + ids.byteCount + tombstones.byteCount
        total += (traversalRows?.byteCount ?? 0) + (scales?.byteCount ?? 0) + capacity * 8
        for r in 0..<count {
            let level = Int(levels.typed(UInt8.self)[r])
            if level != Int(HeapLinks.notReady) && level > 0 { total += level * (parameters.m + 1) * 4 }
        }
        return total
    }
}
