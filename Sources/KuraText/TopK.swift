/// The best k (id, score) pairs seen: best score first, ties to the smaller id.
struct TopK {
    let k: Int
    /// The part whose rows are being offered.
    var part = 0
    private(set) var heap: [LexicalHit] = []  // a min-heap on (score, -id): the root is the one to drop

    init(k: Int) {
        self.k = k
        heap.reserveCapacity(k + 1)
    }

    /// The score a row must beat (reach, with a smaller id) to enter; -infinity until k are held.
    var threshold: Float { heap.count < k ? -.infinity : heap[0].score }

    @inline(__always)
    static func worse(_ a: LexicalHit, _ b: LexicalHit) -> Bool { a.score != b.score ? a.score < b.score : a.id > b.id }

    mutating func offer(_ id: Int64, _ score: Float, row: UInt32) {
        let hit = LexicalHit(id: id, score: score, part: part, row: row)
        if heap.count < k {
            heap.append(hit)
            siftUp(heap.count - 1)
        } else if Self.worse(heap[0], hit) {
            heap[0] = hit
            siftDown(0)
        }
    }

    private mutating func siftUp(_ i: Int) {
        var i = i
        while i > 0, Self.worse(heap[i], heap[(i - 1) / 2]) {
            heap.swapAt(i, (i - 1) / 2)
            i = (i - 1) / 2
        }
    }

    private mutating func siftDown(_ i: Int) {
        var i = i
        while true {
            let l = 2 * i + 1, r = l + 1
            var m = i
            if l < heap.count, Self.worse(heap[l], heap[m]) { m = l }
            if r < heap.count, Self.worse(heap[r], heap[m]) { m = r }
            if m == i { return }
            heap.swapAt(i, m)
            i = m
        }
    }

    func sorted() -> [LexicalHit] { heap.sorted { Self.worse($1, $0) } }
}
