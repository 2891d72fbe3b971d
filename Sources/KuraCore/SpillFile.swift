#if canImport(Glibc)
    import Glibc
#else
    import Darwin
#endif

/// Bytes appended to a file that is unlinked as soon as it is made, then read back through a read-only
/// mapping: a large output built in order (a merge's postings section) kept in the page cache, which the
/// kernel writes back and drops under memory pressure, instead of in anonymous memory. A crash leaves
/// nothing on disk; the space is freed when the value is released.
public final class SpillFile: @unchecked Sendable {
    private let fd: Int32
    private let path: String
    private var mapping: UnsafeRawBufferPointer?
    /// Bytes appended so far.
    public private(set) var count = 0

    /// Makes the file in `directory` (which must exist and be writable).
    /// - Throws: `KuraError.io` when it cannot be made.
    public init(directory: String) throws {
        var template = Array((directory + "/spill-XXXXXX").utf8CString)
        let fd = template.withUnsafeMutableBufferPointer { mkstemp($0.baseAddress!) }
        path = template.withUnsafeBufferPointer { String(cString: $0.baseAddress!) }
        guard fd >= 0 else { throw KuraError.io(path: directory, reason: "spill file: " + String(cString: strerror(errno))) }
        unlink(path)
        self.fd = fd
    }

    /// Appends `bytes`. Not after `mapped()`.
    /// - Throws: `KuraError.io` on a failed or short write (a full disk).
    public func append(_ bytes: UnsafeRawBufferPointer) throws {
        precondition(mapping == nil, "appending to a mapped spill file")
        var done = 0
        while done < bytes.count {
            let n = write(fd, bytes.baseAddress! + done, bytes.count - done)
            guard n > 0 else { throw KuraError.io(path: path, reason: n < 0 ? String(cString: strerror(errno)) : "short write") }
            done += n
        }
        count += bytes.count
    }

    /// Everything appended, mapped read-only (empty when nothing was); valid while the value lives.
    /// - Throws: `KuraError.io` when the mapping fails.
    public func mapped() throws -> UnsafeRawBufferPointer {
        if let mapping { return mapping }
        guard count > 0 else { return UnsafeRawBufferPointer(start: nil, count: 0) }
        let m = mmap(nil, count, PROT_READ, MAP_SHARED, fd, 0)
        guard let m, m != UnsafeMutableRawPointer(bitPattern: -1) else {
            throw KuraError.io(path: path, reason: "mmap: " + String(cString: strerror(errno)))
        }
        let buffer = UnsafeRawBufferPointer(start: m, count: count)
        mapping = buffer
        return buffer
    }

    deinit {
        if let mapping, let base = mapping.baseAddress { munmap(UnsafeMutableRawPointer(mutating: base), mapping.count) }
        close(fd)
    }
}
