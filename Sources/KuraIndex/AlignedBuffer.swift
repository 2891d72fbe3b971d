import KuraCore

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// Zeroed memory aligned to at least 64 bytes (a cache line and an AVX-512 register), freed on deinit.
/// Backed by an anonymous mapping, so pages cost memory only once they are written: a growing index can
/// reserve room for its full capacity up front. Buffers of at least ``hugePageMinimum`` bytes ask for
/// 2 MiB pages (``HugePages``): a graph of millions of rows is built by random hops over them. Or backed
/// by a file (see ``init(byteCount:file:)``).
final class AlignedBuffer: @unchecked Sendable {
    let raw: UnsafeMutableRawPointer
    let byteCount: Int
    /// Whether a file backs the memory (``init(byteCount:file:)``).
    let isFile: Bool

    /// The size from which an anonymous buffer asks for huge pages: a buffer filled in order wastes at
    /// most one partly written 2 MiB page, 3% of this.
    static let hugePageMinimum = 64 << 20

    init(byteCount: Int) {
        isFile = false
        self.byteCount = max(byteCount, 64)
        let p = HugePages.map(length: self.byteCount, protection: PROT_READ | PROT_WRITE, flags: MAP_PRIVATE | MAP_ANONYMOUS, fd: -1)
        guard let p else { fatalError("out of memory mapping \(byteCount) bytes") }
        raw = p
        if self.byteCount >= Self.hugePageMinimum { HugePages.advise(p, length: self.byteCount) }
    }

    /// Memory backed by a new file at `path`, removed at once (its pages live as long as the mapping, and
    /// a crash leaves nothing behind). The kernel writes the pages back and drops them under memory
    /// pressure like any file's, so they are not anonymous memory: what a merge of millions of rows needs.
    /// - Throws: `KuraError.io` when the file cannot be made or mapped (a full disk, no permission).
    init(byteCount: Int, file path: String) throws {
        isFile = true
        self.byteCount = max(byteCount, 64)
        let fd = open(path, O_RDWR | O_CREAT | O_EXCL, 0o600)
        guard fd >= 0 else { throw KuraError.io(path: path, reason: String(cString: strerror(errno))) }
        defer { close(fd) }
        unlink(path)
        guard ftruncate(fd, off_t(self.byteCount)) == 0 else { throw KuraError.io(path: path, reason: String(cString: strerror(errno))) }
        let p = mmap(nil, self.byteCount, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0)
        guard let p, p != UnsafeMutableRawPointer(bitPattern: -1) else {
            throw KuraError.io(path: path, reason: "mmap: " + String(cString: strerror(errno)))
        }
        raw = p
    }

    deinit { munmap(raw, byteCount) }

    func typed<T>(_: T.Type) -> UnsafeMutablePointer<T> { raw.assumingMemoryBound(to: T.self) }
}
