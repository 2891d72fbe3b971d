/// Adjacency of a growing index, in memory: level 0 as one block of fixed-width lists
/// (`1 + maxM0` words per row), upper levels as one small block per row that reaches them.
/// `levels[row]` is the row's top level, or `HeapLinks.notReady` while it is being inserted.
struct HeapLinks: GraphLinks {
    static let notReady: UInt8 = 0xFF

    let level0: UnsafeMutablePointer<UInt32>
    let upper: UnsafeMutablePointer<UnsafeMutablePointer<UInt32>?>
    let levels: UnsafeMutablePointer<UInt8>
    let rowBound: Int
    let maxM0: Int
    let maxM: Int

    @inline(__always)
    func links(_ row: UInt32, level: Int) -> UnsafePointer<UInt32>? {
        UnsafePointer(mutableLinks(row, level: level))
    }

    @inline(__always)
    func mutableLinks(_ row: UInt32, level: Int) -> UnsafeMutablePointer<UInt32>? {
        if level == 0 { return level0 + Int(row) * (maxM0 + 1) }
        let top = levels[Int(row)]
        guard top != Self.notReady, Int(top) >= level, let block = upper[Int(row)] else { return nil }
        return block + (level - 1) * (maxM + 1)
    }
}
