import NIOPosix

/// Threads for blocking work (SQLite, searches, embedding), off the async executor.
///
/// Wider than the cores on purpose: Dispatch's global queue runs about one item per core, so 32
/// concurrent text queries would queue there, one embedding at a time, and the embedder would never see
/// two queries to batch together. Here every request reaches the embedder, whose lanes bound the
/// compute and whose coalescer runs the queued queries in one forward pass.
enum Blocking {
    static let threads = 64
    static let pool: NIOThreadPool = {
        let pool = NIOThreadPool(numberOfThreads: threads)
        pool.start()
        return pool
    }()
}

/// Runs blocking work on `Blocking.pool`.
func blocking<T: Sendable>(_ work: @escaping @Sendable () throws -> T) async throws -> T {
    try await Blocking.pool.runIfActive(work)
}

/// `blocking` for results that are not Sendable (JSON objects), which only this caller reads.
func blockingUnchecked<T>(_ work: @escaping @Sendable () throws -> T) async throws -> T {
    try await blocking { Unchecked(try work()) }.value
}

/// A value handed to or from a blocking worker that only one side touches at a time.
struct Unchecked<T>: @unchecked Sendable {
    let value: T
    init(_ value: T) { self.value = value }
}
