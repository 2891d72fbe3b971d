/// Marks rows visited during one search: one bit per row, and a list of the 64-bit words a search set, so
/// starting the next search clears those words instead of the whole set.
///
/// Why bits: a walk checks every neighbour it meets (about 10,000 rows at ef 256), at random. At 10M rows a
/// 16-bit epoch per row is 20 MB, beyond the caches beside the graph's traffic, and each check was a miss to
/// memory; the bits are 1.25 MB and stay in cache. Searches that touch more words than the list holds (a
/// filtered walk over most of the graph) clear the whole set instead.
///
/// All state sits behind pointers, so `testAndSet` does not mutate the struct: it is called through a pooled
/// ``SearchContext`` (a class) once per neighbour, where a mutating call on an array-backed ``Bitset`` would
/// pay exclusivity and copy-on-write checks each time.
struct VisitedSet {
    private let words: UnsafeMutablePointer<UInt64>
    private let wordCount: Int
    /// Indexes of the words first set since the last reset (the first `touchedCapacity` of them).
    private let touched: UnsafeMutablePointer<UInt32>
    private let touchedCapacity: Int
    /// How many words were first set since the last reset; past `touchedCapacity`, reset clears them all.
    private let state: UnsafeMutablePointer<Int>
    let capacity: Int

    init(capacity: Int) {
        self.capacity = capacity
        wordCount = max(1, (capacity + 63) / 64)
        words = .allocate(capacity: wordCount)
        words.initialize(repeating: 0, count: wordCount)
        touchedCapacity = min(wordCount, 1 << 16)
        touched = .allocate(capacity: touchedCapacity)
        state = .allocate(capacity: 1)
        state.initialize(to: 0)
    }

    func deallocate() {
        words.deallocate()
        touched.deallocate()
        state.deallocate()
    }

    /// Clears every mark.
    mutating func reset() {
        let n = state.pointee
        if n > touchedCapacity {
            words.update(repeating: 0, count: wordCount)
        } else {
            for i in 0..<n { words[Int(touched[i])] = 0 }
        }
        state.pointee = 0
    }

    /// Marks `row` and returns whether it was already marked since the last reset.
    @inline(__always)
    func testAndSet(_ row: UInt32) -> Bool {
        let w = Int(row >> 6)
        let bit = UInt64(1) << UInt64(row & 63)
        let old = words[w]
        if old & bit != 0 { return true }
        if old == 0 {
            let n = state.pointee
            if n < touchedCapacity { touched[n] = UInt32(truncatingIfNeeded: w) }
            state.pointee = n &+ 1
        }
        words[w] = old | bit
        return false
    }
}
