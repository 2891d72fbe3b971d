#if canImport(Glibc)
    import Glibc
#else
    import Darwin
#endif

/// The kernel's cache of file pages.
public enum PageCache {
    /// Asks the kernel to drop the cached pages of `path` (clean ones that no process maps), so the next
    /// reads come from disk and are charged to the reader's memory cgroup. Advice only: pages mapped
    /// elsewhere stay. A no-op where `posix_fadvise` is missing.
    /// - Throws: `KuraError.io` when the file cannot be opened.
    public static func evict(path: String) throws {
        let fd = open(path, O_RDONLY)
        guard fd >= 0 else { throw KuraError.io(path: path, reason: String(cString: strerror(errno))) }
        defer { close(fd) }
        #if os(Linux)
            _ = posix_fadvise(fd, 0, 0, Int32(POSIX_FADV_DONTNEED))
        #endif
    }
}
