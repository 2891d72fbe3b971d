import Dispatch

/// Two pieces of blocking work run at once: one on the caller's thread, the other on a Dispatch worker.
enum Overlap {
    /// Runs `side` on a Dispatch worker while the caller runs `main`, and returns both results once both
    /// are done; one after the other on the caller's thread when `concurrently` is false (when `main` is
    /// too short to hide anything behind).
    /// - Throws: what `main` throws, else what `side` throws.
    static func run<A, B: Sendable>(
        _ main: () throws -> A, beside side: @escaping @Sendable () throws -> B, when concurrently: Bool
    ) throws -> (A, B) {
        guard concurrently else { return (try main(), try side()) }
        let box = ResultBox<B>()
        let group = DispatchGroup()
        DispatchQueue.global().async(group: group) { box.result = Result { try side() } }
        let a = Result { try main() }
        group.wait()
        return (try a.get(), try box.result!.get())
    }

    /// Written by the worker before the group is left, read by the caller after waiting on it.
    private final class ResultBox<B>: @unchecked Sendable {
        var result: Result<B, any Error>?
    }
}
