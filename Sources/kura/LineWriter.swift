import Foundation
import KuraCore

/// Lines to standard output through a buffer, with every write checked: a full disk or a reader that
/// went away is an error for the command to report, never output silently cut short.
struct LineWriter {
    private var buffer: [UInt8] = []
    private let handle = FileHandle.standardOutput

    init() {
        // A closed pipe must be an EPIPE error here, not a silent death by SIGPIPE.
        signal(SIGPIPE, SIG_IGN)
        buffer.reserveCapacity(1 << 16)
    }

    mutating func write(_ line: String) throws {
        buffer.append(contentsOf: line.utf8)
        buffer.append(UInt8(ascii: "\n"))
        if buffer.count >= 1 << 16 { try flush() }
    }

    /// Writes what is buffered.
    /// - Throws: `KuraError.io` naming standard output and the reason.
    mutating func flush() throws {
        guard !buffer.isEmpty else { return }
        do {
            try handle.write(contentsOf: buffer)
        } catch {
            throw KuraError.io(path: "standard output", reason: Self.reason(error))
        }
        buffer.removeAll(keepingCapacity: true)
    }

    private static func reason(_ error: any Error) -> String {
        let ns = error as NSError
        if let posix = ns.userInfo[NSUnderlyingErrorKey] as? NSError, posix.domain == NSPOSIXErrorDomain {
            return String(cString: strerror(Int32(posix.code)))
        }
        if ns.domain == NSPOSIXErrorDomain { return String(cString: strerror(Int32(ns.code))) }
        return ns.localizedDescription
    }
}
