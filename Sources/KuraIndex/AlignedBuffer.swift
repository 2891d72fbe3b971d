#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// Zeroed memory aligned to 64 bytes (a cache line and an AVX-512 register), freed on deinit.
final class AlignedBuffer: @unchecked Sendable {
    let raw: UnsafeMutableRawPointer
    let byteCount: Int

    init(byteCount: Int) {
        self.byteCount = max(byteCount, 64)
        var p: UnsafeMutableRawPointer? = nil
        guard posix_memalign(&p, 64, self.byteCount) == 0, let p else {
            fatalError("out of memory allocating \(byteCount) bytes")
        }
        memset(p, 0, self.byteCount)
        raw = p
    }

    deinit { free(raw) }

    func typed<T>(_: T.Type) -> UnsafeMutablePointer<T> { raw.assumingMemoryBound(to: T.self) }
}
