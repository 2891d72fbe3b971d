#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// Zeroed memory aligned to at least 64 bytes (a cache line and an AVX-512 register), freed on deinit.
/// Backed by an anonymous mapping, so pages cost memory only once they are written: a growing index can
/// reserve room for its full capacity up front.
final class AlignedBuffer: @unchecked Sendable {
    let raw: UnsafeMutableRawPointer
    let byteCount: Int

    init(byteCount: Int) {
        self.byteCount = max(byteCount, 64)
        let p = mmap(nil, self.byteCount, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0)
        guard let p, p != UnsafeMutableRawPointer(bitPattern: -1) else {
            fatalError("out of memory mapping \(byteCount) bytes")
        }
        raw = p
    }

    deinit { munmap(raw, byteCount) }

    func typed<T>(_: T.Type) -> UnsafeMutablePointer<T> { raw.assumingMemoryBound(to: T.self) }
}
