import CKuraKernels
import Synchronization

/// A free list of search contexts for one index.
final class ContextPool: Sendable {
    private let free = Mutex<[SearchContext]>([])
    let rows: Int
    let maxM0: Int
    let dimension: Int

    init(rows: Int, maxM0: Int, dimension: Int) {
        self.rows = rows
        self.maxM0 = maxM0
        self.dimension = dimension
    }

    func withContext<R>(_ body: (SearchContext) throws -> R) rethrows -> R {
        let ctx = free.withLock { $0.popLast() } ?? SearchContext(rows: rows, maxM0: maxM0, dimension: dimension)
        defer { free.withLock { $0.append(ctx) } }
        return try body(ctx)
    }
}
