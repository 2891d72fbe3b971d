import Dispatch

/// Runs blocking work (SQLite, embedding) on a Dispatch thread, off the async executor.
func blocking<T: Sendable>(_ work: @escaping @Sendable () throws -> T) async throws -> T {
    try await withCheckedThrowingContinuation { continuation in
        DispatchQueue.global().async { continuation.resume(with: Result { try work() }) }
    }
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
