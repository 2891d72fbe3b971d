import Synchronization

/// Every ``stride``-th term of a postings section's dictionary, as its first 8 bytes (big-endian,
/// zero-padded), kept in memory. A lookup binary-searches this small array first, then only the
/// dictionary entries between two samples. A plain binary search probes a table of megabytes at random,
/// a cache miss per step for the entry and another for the term's bytes: on docs384's 158k terms the
/// sample makes BM25 top-30 on 8 query terms about 10% faster (8,581-8,866 QPS against 7,792-7,865 on
/// one thread, best runs of 3 interleaved rounds). Built on first use, so opening a segment stays O(1).
final class TermSample: @unchecked Sendable {
    static let stride = 16
    private let ready = Atomic<Bool>(false)
    private let building = Mutex<Void>(())
    /// Written once, under `building`, before `ready` is set; read only after `ready` is seen.
    private var keys = UnsafeMutableBufferPointer<UInt64>(start: nil, count: 0)

    deinit { keys.deallocate() }

    /// The 8-byte prefix that orders like the bytes it starts: a < b (bytewise) implies prefix(a) ≤ prefix(b).
    @inline(__always)
    static func prefix(_ bytes: UnsafeRawBufferPointer) -> UInt64 {
        var v: UInt64 = 0
        for i in 0..<8 { v = v << 8 | (i < bytes.count ? UInt64(bytes[i]) : 0) }
        return v
    }

    /// The dictionary indexes, within `0..<count`, that can hold `key`. `prefixOf(i)` gives term `i`'s
    /// prefix (called `count / stride` times, once). Assumes the dictionary is sorted; when it is not,
    /// the range is still inside `0..<count`.
    func range(of key: UnsafeRawBufferPointer, count: Int, prefixOf: (Int) -> UInt64) -> Range<Int> {
        let keys = sampled(count, prefixOf)
        let k = Self.prefix(key)
        // The first sample above the key: the key lies before it.
        var lo = 0, hi = keys.count
        while lo < hi {
            let mid = (lo + hi) / 2
            if keys[mid] <= k { lo = mid + 1 } else { hi = mid }
        }
        let above = lo
        // The first sample at or above the key: the one before it is below the key, which lies after it.
        lo = 0
        hi = above
        while lo < hi {
            let mid = (lo + hi) / 2
            if keys[mid] < k { lo = mid + 1 } else { hi = mid }
        }
        let start = lo == 0 ? 0 : min(count, (lo - 1) * Self.stride + 1)
        let end = above < keys.count ? above * Self.stride : count
        return start..<max(start, end)
    }

    private func sampled(_ count: Int, _ prefixOf: (Int) -> UInt64) -> UnsafeMutableBufferPointer<UInt64> {
        if ready.load(ordering: .acquiring) { return keys }
        return building.withLock { _ in
            if !ready.load(ordering: .relaxed) {
                let n = (count + Self.stride - 1) / Self.stride
                let built = UnsafeMutableBufferPointer<UInt64>.allocate(capacity: n)
                for j in 0..<n { built[j] = prefixOf(j * Self.stride) }
                keys = built
                ready.store(true, ordering: .releasing)
            }
            return keys
        }
    }
}
