import Foundation
import KuraCore
import Synchronization

/// An exclusive `flock` on `<data dir>/kura.lock`, held while any store in this process uses the
/// directory. Another process is refused with a clear error; the kernel drops the lock if the holder dies.
enum DirectoryLock {
    private static let held = Mutex<[String: (fd: Int32, users: Int)]>([:])

    static func key(_ directory: String) -> String {
        URL(fileURLWithPath: directory).standardizedFileURL.resolvingSymlinksInPath().path
    }

    /// Takes the lock, or another use of it by this process.
    static func acquire(_ directory: String) throws {
        let k = key(directory)
        try held.withLock { locks in
            if let entry = locks[k] {
                locks[k] = (entry.fd, entry.users + 1)
                return
            }
            let path = directory + "/kura.lock"
            let fd = open(path, O_RDWR | O_CREAT, 0o644)
            guard fd >= 0 else { throw KuraError.io(path: path, reason: String(cString: strerror(errno))) }
            guard flock(fd, LOCK_EX | LOCK_NB) == 0 else {
                let holder = (try? String(contentsOfFile: path, encoding: .utf8))?.trimmingCharacters(in: .whitespacesAndNewlines) ?? ""
                close(fd)
                throw KuraError.io(path: directory, reason: "the data directory is in use by another Kura process\(holder.isEmpty ? "" : " (pid \(holder))")")
            }
            let pid = Array("\(getpid())\n".utf8)
            _ = ftruncate(fd, 0)
            _ = pwrite(fd, pid, pid.count, 0)
            locks[k] = (fd, 1)
        }
    }

    static func release(_ directory: String) {
        let k = key(directory)
        held.withLock { locks in
            guard let entry = locks[k] else { return }
            if entry.users > 1 {
                locks[k] = (entry.fd, entry.users - 1)
            } else {
                close(entry.fd)
                locks[k] = nil
            }
        }
    }
}
