import CKuraKernels
import KuraCore

/// Adjacency stored in a mapped segment (see ``SegmentFormat``). Every stored offset is bounds-checked.
struct SegmentLinks: GraphLinks {
    let level0: UnsafePointer<UInt32>
    let levels: UnsafePointer<UInt8>
    let upperOffsets: UnsafePointer<UInt32>
    let upperData: UnsafePointer<UInt32>
    let upperWords: Int
    let rowBound: Int
    let maxM0: Int
    let maxM: Int

    @inline(__always)
    func links(_ row: UInt32, level: Int) -> UnsafePointer<UInt32>? {
        if level == 0 { return level0 + Int(row) * (maxM0 + 1) }
        guard Int(levels[Int(row)]) >= level else { return nil }
        let o = upperOffsets[Int(row)]
        guard o != SegmentFormat.noUpper else { return nil }
        let start = Int(o) + (level - 1) * (maxM + 1)
        guard start + maxM + 1 <= upperWords else { return nil }
        return upperData + start
    }
}
