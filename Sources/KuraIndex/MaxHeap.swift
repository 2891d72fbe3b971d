/// A binary max-heap of (distance, row) pairs over preallocated memory, reused across searches.
///
/// Search keeps two: the results (largest distance on top, to evict) and the candidates, stored with
/// negated distances so that the closest is on top.
struct MaxHeap {
    struct Entry {
        var distance: Float
        var row: UInt32
    }

    private(set) var storage: UnsafeMutablePointer<Entry>
    private(set) var capacity: Int
    private(set) var count = 0

    init(capacity: Int) {
        self.capacity = max(capacity, 16)
        storage = .allocate(capacity: self.capacity)
    }

    func deallocate() { storage.deallocate() }

    @inline(__always) var isEmpty: Bool { count == 0 }
    @inline(__always) var top: Entry { storage[0] }

    @inline(__always) mutating func removeAll() { count = 0 }

    @inline(__always)
    mutating func push(_ distance: Float, _ row: UInt32) {
        if count == capacity { grow() }
        var i = count
        count += 1
        while i > 0 {
            let parent = (i - 1) >> 1
            if storage[parent].distance >= distance { break }
            storage[i] = storage[parent]
            i = parent
        }
        storage[i] = Entry(distance: distance, row: row)
    }

    @inline(__always)
    @discardableResult
    mutating func pop() -> Entry {
        let top = storage[0]
        count -= 1
        if count > 0 { siftDown(storage[count]) }
        return top
    }

    /// Replaces the top with a new entry; cheaper than pop then push.
    @inline(__always)
    mutating func replaceTop(_ distance: Float, _ row: UInt32) {
        siftDown(Entry(distance: distance, row: row))
    }

    @inline(__always)
    private mutating func siftDown(_ e: Entry) {
        var i = 0
        let n = count
        while true {
            var child = 2 * i + 1
            if child >= n { break }
            if child + 1 < n && storage[child + 1].distance > storage[child].distance { child += 1 }
            if storage[child].distance <= e.distance { break }
            storage[i] = storage[child]
            i = child
        }
        storage[i] = e
    }

    private mutating func grow() {
        let bigger = UnsafeMutablePointer<Entry>.allocate(capacity: capacity * 2)
        bigger.update(from: storage, count: count)
        storage.deallocate()
        storage = bigger
        capacity *= 2
    }

    /// Empties the heap into an array sorted by ascending distance.
    mutating func drainAscending() -> [Entry] {
        var out = [Entry](repeating: Entry(distance: 0, row: 0), count: count)
        var i = count - 1
        while count > 0 {
            out[i] = pop()
            i -= 1
        }
        return out
    }
}
