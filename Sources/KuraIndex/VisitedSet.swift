/// Marks rows visited during one search. Each search bumps an epoch instead of clearing the array,
/// so starting a search costs nothing; the array is wiped only when the 16-bit epoch wraps.
struct VisitedSet {
    private let marks: UnsafeMutablePointer<UInt16>
    let capacity: Int
    private var epoch: UInt16 = 0

    init(capacity: Int) {
        self.capacity = capacity
        marks = .allocate(capacity: max(capacity, 1))
        marks.initialize(repeating: 0, count: max(capacity, 1))
    }

    func deallocate() { marks.deallocate() }

    mutating func reset() {
        epoch &+= 1
        if epoch == 0 {
            marks.update(repeating: 0, count: capacity)
            epoch = 1
        }
    }

    /// Marks `row` and returns whether it was already marked in this epoch.
    @inline(__always)
    func testAndSet(_ row: UInt32) -> Bool {
        let p = marks + Int(row)
        if p.pointee == epoch { return true }
        p.pointee = epoch
        return false
    }

}
