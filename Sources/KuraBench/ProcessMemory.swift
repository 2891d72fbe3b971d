import Foundation

/// This process's resident memory split by kind, from `/proc/self/status` (Linux; zero elsewhere):
/// a pod's memory limit counts both anonymous pages and the pages of mapped files it touches.
public struct ProcessMemory: Sendable, Equatable {
    /// Resident anonymous pages (heap, built graphs), in bytes.
    public var anonymous: Int
    /// Resident pages of mapped files (segments, model weights), in bytes.
    public var file: Int
    /// The most resident memory this process has held (`VmHWM`), in bytes.
    public var peak: Int

    /// Reads the current figures.
    public static func current() -> ProcessMemory {
        parse((try? String(contentsOfFile: "/proc/self/status", encoding: .utf8)) ?? "")
    }

    /// Reads `RssAnon`, `RssFile` and `VmHWM` (kB) from the text of a `/proc/PID/status` file.
    static func parse(_ status: String) -> ProcessMemory {
        var kb: [Substring: Int] = [:]
        for line in status.split(separator: "\n") {
            let parts = line.split(whereSeparator: { $0 == ":" || $0 == " " || $0 == "\t" })
            if parts.count >= 2, let v = Int(parts[1]) { kb[parts[0]] = v }
        }
        return ProcessMemory(anonymous: (kb["RssAnon"] ?? 0) * 1024, file: (kb["RssFile"] ?? 0) * 1024, peak: (kb["VmHWM"] ?? 0) * 1024)
    }
}
