import Synchronization

#if canImport(Glibc)
    import Glibc
#else
    import Darwin
#endif

/// Directory operations that survive power loss: a file's name is durable only once its directory is
/// fsynced, and a new directory's name only once its parent is.
public enum Durable {
    /// Fsyncs the directory at `path`.
    /// - Throws: `KuraError.io` when it cannot be opened or synced.
    public static func syncDirectory(_ path: String) throws {
        let dir = path.isEmpty ? "/" : path
        let fd = open(dir, O_RDONLY | O_DIRECTORY)
        guard fd >= 0 else { throw KuraError.io(path: dir, reason: String(cString: strerror(errno))) }
        defer { close(fd) }
        guard fsync(fd) == 0 else { throw KuraError.io(path: dir, reason: "fsync: " + String(cString: strerror(errno))) }
        log.withLock { recent in
            if recent.count >= 4096 { recent.removeFirst(2048) }
            recent.append(dir)
        }
    }

    /// Fsyncs the directory holding `path`, after a file there was created or renamed.
    public static func syncParent(of path: String) throws { try syncDirectory(parent(path)) }

    /// Creates `path` and any missing directories above it, fsyncing the parent of each one created.
    /// - Throws: `KuraError.io` when a directory cannot be created or synced.
    public static func createDirectory(_ path: String) throws {
        var st = stat()
        if stat(path, &st) == 0 {
            guard st.st_mode & S_IFMT == S_IFDIR else { throw KuraError.io(path: path, reason: "exists and is not a directory") }
            return
        }
        let above = parent(path)
        if above != path { try createDirectory(above) }
        guard mkdir(path, 0o755) == 0 || errno == EEXIST else { throw KuraError.io(path: path, reason: "mkdir: " + String(cString: strerror(errno))) }
        try syncDirectory(above)
    }

    /// The directory above `path` ("." for a bare name).
    static func parent(_ path: String) -> String {
        var p = Substring(path)
        while p.count > 1, p.hasSuffix("/") { p.removeLast() }
        guard let slash = p.lastIndex(of: "/") else { return "." }
        return slash == p.startIndex ? "/" : String(p[..<slash])
    }

    /// The directories synced lately, oldest first (the last few thousand): tests read it to see a sync happen.
    public static var recentlySynced: [String] { log.withLock { $0 } }

    private static let log = Mutex<[String]>([])
}
