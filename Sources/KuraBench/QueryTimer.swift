import Dispatch
import Foundation

/// Runs every query one at a time (spread over `threads`), timing each, and scores recall@k against
/// ground-truth ids.
enum QueryTimer {
    struct Measurement {
        var recall: Double
        var qps: Double
        var p50us: Double
        var p99us: Double
    }

    /// `search` returns the ids found for one query; `truth[i]` holds the true ids of query i.
    static func run(
        queries: VectorSet, truth: [[Int32]], k: Int, threads: Int, search: @Sendable (UnsafeBufferPointer<Float>) throws -> [UInt64]
    ) throws -> Measurement {
        let nq = queries.rows, d = queries.dimension
        let latencies = UnsafeMutableBufferPointer<Double>.allocate(capacity: nq)
        let found = UnsafeMutableBufferPointer<Int>.allocate(capacity: nq)
        defer {
            latencies.deallocate()
            found.deallocate()
        }
        let failure = LockedError()
        let workers = max(1, min(threads, nq))
        let t0 = DispatchTime.now()
        queries.data.withUnsafeBufferPointer { qs in
            // Each worker writes only its own slots.
            nonisolated(unsafe) let (q, lat, hits) = (qs, latencies, found)
            DispatchQueue.concurrentPerform(iterations: workers) { t in
                for i in Swift.stride(from: t, to: nq, by: workers) {
                    let s = DispatchTime.now().uptimeNanoseconds
                    do {
                        let ids = try search(UnsafeBufferPointer(rebasing: q[(i * d)..<((i + 1) * d)]))
                        lat[i] = Double(DispatchTime.now().uptimeNanoseconds - s) / 1000
                        let want = Set(truth[i].prefix(k).map { UInt64($0) })
                        hits[i] = ids.prefix(k).filter { want.contains($0) }.count
                    } catch {
                        failure.set(error)
                        return
                    }
                }
            }
        }
        let wall = seconds(since: t0)
        if let e = failure.error { throw e }
        let sorted = latencies.sorted()
        return Measurement(
            recall: Double(found.reduce(0, +)) / Double(nq * k), qps: Double(nq) / wall, p50us: sorted[nq / 2],
            p99us: sorted[min(nq - 1, Int(Double(nq) * 0.99))])
    }

    static func seconds(since t0: DispatchTime) -> Double { Double(DispatchTime.now().uptimeNanoseconds - t0.uptimeNanoseconds) / 1e9 }
}

/// The first error raised by any worker thread.
final class LockedError: @unchecked Sendable {
    private let lock = NSLock()
    private var first: Error?
    var error: Error? { lock.withLock { first } }
    func set(_ e: Error) { lock.withLock { if first == nil { first = e } } }
}
