#if canImport(Glibc)
    import Glibc
#else
    import Darwin
#endif

/// A whole file mapped read-only; unmapped when released. Segments and model weights are read in place
/// through it, so opening them costs no copy.
public final class MappedFile: @unchecked Sendable {
    /// The file's path.
    public let path: String
    /// The first mapped byte.
    public let base: UnsafeRawPointer
    /// Bytes mapped: the file's size when it was opened.
    public let count: Int

    /// Maps `path`; a file shorter than `minimumBytes` is refused as corrupt, with `tooShort(size)` as the reason.
    public init(path: String, minimumBytes: Int = 1, tooShort: (Int) -> String = { "file is \($0) bytes, too short" }) throws {
        let fd = open(path, O_RDONLY)
        guard fd >= 0 else { throw KuraError.io(path: path, reason: String(cString: strerror(errno))) }
        defer { close(fd) }
        var st = stat()
        guard fstat(fd, &st) == 0 else { throw KuraError.io(path: path, reason: String(cString: strerror(errno))) }
        let size = Int(st.st_size)
        guard size >= max(1, minimumBytes) else { throw KuraError.corruptFile(path: path, reason: tooShort(size)) }
        guard let m = HugePages.map(length: size, protection: PROT_READ, flags: MAP_SHARED, fd: fd) else {
            throw KuraError.io(path: path, reason: "mmap: " + String(cString: strerror(errno)))
        }
        self.path = path
        base = UnsafeRawPointer(m)
        count = size
    }

    /// How the pages of a range will be read, passed to `madvise`.
    public enum Access: Sendable {
        /// Scattered single rows: no read-around, so a fault reads its own page only and a memory limit
        /// is not filled with neighbours that are never read.
        case random
        /// One pass in order: aggressive read-ahead.
        case sequential
        /// Read all over and all the time (a graph, its traversal rows): cached and mapped in 2 MiB pages
        /// where the kernel can (``HugePages``), so a hop to a random row costs no TLB miss. The pages are
        /// read in 2 MiB at a time, so use it only for ranges that are read whole.
        case hot
    }

    /// Advises the kernel how `length` bytes from `offset` will be read. Advice only: failures are ignored.
    public func advise(offset: Int, length: Int, _ access: Access) {
        let page = Int(sysconf(Int32(_SC_PAGESIZE)))
        let start = offset / page * page
        let end = min(count, offset + length)
        guard start < end else { return }
        let advice: Int32
        switch access {
        case .random: advice = Int32(MADV_RANDOM)
        case .sequential: advice = Int32(MADV_SEQUENTIAL)
        case .hot: return HugePages.advise(base + offset, length: min(length, count - offset))
        }
        _ = madvise(UnsafeMutableRawPointer(mutating: base + start), end - start, advice)
    }

    deinit { munmap(UnsafeMutableRawPointer(mutating: base), count) }
}
