#if canImport(Glibc)
    import Glibc
#else
    import Darwin
#endif

/// Mappings the kernel can back with 2 MiB pages (Linux transparent huge pages).
///
/// A graph walk over millions of rows lands on a new 4 KiB page at almost every hop, so with small pages
/// most hops also miss the TLB and pay a page-table walk; one 2 MiB TLB entry covers 512 of them. The
/// kernel maps a range with huge pages only where the virtual address and the file offset are both
/// 2 MiB-aligned and the range is marked with `MADV_HUGEPAGE` (when THP is `madvise`, the common default).
/// Everything here is advice: where the kernel, the file system or the platform cannot, the mapping
/// behaves as an ordinary one.
public enum HugePages {
    /// The size of a huge page on x86-64 and arm64 with 4 KiB base pages.
    public static let size = 2 << 20

    /// `mmap(nil, length, protection, flags, fd, offset)` placed at a 2 MiB-aligned address when
    /// `length` is at least 2 MiB. `offset` must be 0 or 2 MiB-aligned for file pages to line up.
    /// - Returns: the mapping, or nil with `errno` set when `mmap` fails.
    public static func map(length: Int, protection: Int32, flags: Int32, fd: Int32, offset: off_t = 0) -> UnsafeMutableRawPointer? {
        func plain() -> UnsafeMutableRawPointer? {
            let m = mmap(nil, length, protection, flags, fd, offset)
            return m == UnsafeMutableRawPointer(bitPattern: -1) ? nil : m
        }
        #if os(Linux)
            guard length >= size else { return plain() }
            // Reserve room for the length plus one huge page, then map over its aligned part.
            let reserved = mmap(nil, length + size, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0)
            guard let reserved, reserved != UnsafeMutableRawPointer(bitPattern: -1) else { return plain() }
            let start = Int(bitPattern: reserved)
            let aligned = (start + size - 1) & ~(size - 1)
            let m = mmap(UnsafeMutableRawPointer(bitPattern: aligned), length, protection, flags | MAP_FIXED, fd, offset)
            guard let m, m != UnsafeMutableRawPointer(bitPattern: -1) else {
                munmap(reserved, length + size)
                return plain()
            }
            if aligned > start { munmap(reserved, aligned - start) }
            let tail = start + size - aligned
            if tail > 0 { munmap(UnsafeMutableRawPointer(bitPattern: aligned + length), tail) }
            return m
        #else
            return plain()
        #endif
    }

    /// Marks `length` bytes at `address` for huge pages (`MADV_HUGEPAGE`); the range is widened to whole
    /// base pages. Advice only: failures are ignored.
    public static func advise(_ address: UnsafeRawPointer, length: Int) {
        #if os(Linux)
            let page = Int(sysconf(Int32(_SC_PAGESIZE)))
            let start = Int(bitPattern: address) / page * page
            let end = Int(bitPattern: address) + length
            guard length >= size, end > start else { return }
            _ = madvise(UnsafeMutableRawPointer(bitPattern: start), end - start, MADV_HUGEPAGE)
        #endif
    }
}
