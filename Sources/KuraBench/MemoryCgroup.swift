import Foundation
import KuraCore

/// A memory cgroup made for one measured phase, with the limit a Kubernetes pod would get: this process
/// moves into it, and from then on its new anonymous pages and the file pages it faults in (a mapped
/// segment's) count against the limit, as they would in a pod. Pages charged before the move stay with
/// the old group (cgroups do not move charges), so a phase must fault in what it measures after
/// ``enter(limitBytes:)``: evict a file's cached pages first (``PageCache/evict(path:)``).
///
/// Both hierarchies are supported: cgroup v1 (a `memory` controller mount, as on these machines) and
/// cgroup v2 (a `cgroup2` mount whose group offers the `memory` controller to its children). The group is
/// made under the process's own group, so it needs write access there (root, or a delegated subtree).
public final class MemoryCgroup {
    /// Which hierarchy the group lives in.
    public enum Version: String, Sendable { case v1, v2 }

    /// The hierarchy the group lives in.
    public let version: Version
    /// The group's directory.
    public let path: String
    /// The group this process was in, to return to.
    private let parent: String
    /// The group's memory limit, bytes.
    public let limitBytes: Int

    private init(version: Version, path: String, parent: String, limitBytes: Int) {
        self.version = version
        self.path = path
        self.parent = parent
        self.limitBytes = limitBytes
    }

    /// Makes a child group of this process's memory group, limited to `limitBytes`, and moves the whole
    /// process (every thread) into it.
    /// - Throws: `KuraError.invalidArgument` when no memory controller is mounted or the limit is not
    ///   positive, `KuraError.io` (with the file and the system's reason) when the group cannot be made,
    ///   limited or entered; nothing is left behind then.
    public static func enter(limitBytes: Int) throws -> MemoryCgroup {
        guard limitBytes > 0 else { throw KuraError.invalidArgument("a memory limit must be positive, got \(limitBytes)") }
        let mounts = (try? String(contentsOfFile: "/proc/self/mountinfo", encoding: .utf8)) ?? ""
        let membership = (try? String(contentsOfFile: "/proc/self/cgroup", encoding: .utf8)) ?? ""
        guard let (version, parent) = locate(mountinfo: mounts, cgroup: membership) else {
            throw KuraError.invalidArgument(
                "no cgroup memory controller is available to this process (neither a v1 memory mount nor a v2 group offering memory)")
        }
        removeStale(in: parent)
        let group = parent + "/kura-bench-\(getpid())"
        guard mkdir(group, 0o755) == 0 || errno == EEXIST else { throw KuraError.io(path: group, reason: String(cString: strerror(errno))) }
        let cgroup = MemoryCgroup(version: version, path: group, parent: parent, limitBytes: limitBytes)
        do {
            if version == .v2 && !FileManager.default.fileExists(atPath: group + "/memory.max") {
                throw KuraError.io(
                    path: parent + "/cgroup.subtree_control", reason: "the memory controller is not enabled for child groups (write +memory there)")
            }
            try write(String(limitBytes), to: group + (version == .v1 ? "/memory.limit_in_bytes" : "/memory.max"))
            if version == .v2 { try? write("0", to: group + "/memory.swap.max") }
            try write(String(getpid()), to: group + "/cgroup.procs")
        } catch {
            rmdir(group)
            throw error
        }
        return cgroup
    }

    /// Finds the memory hierarchy and this process's group directory in it, from the text of
    /// `/proc/self/mountinfo` and `/proc/self/cgroup`; v1 is preferred where both are mounted, since a
    /// hybrid system's v2 mount then carries no memory controller.
    static func locate(mountinfo: String, cgroup: String, offersMemory: (String) -> Bool = MemoryCgroup.offersMemory) -> (Version, String)? {
        var v1Mount: (point: String, root: String)?
        var v2Mount: (point: String, root: String)?
        for line in mountinfo.split(separator: "\n") {
            let halves = line.components(separatedBy: " - ")
            guard halves.count == 2 else { continue }
            let fields = halves[0].split(separator: " "), tail = halves[1].split(separator: " ")
            guard fields.count >= 5, tail.count >= 3 else { continue }
            let mount = (point: String(fields[4]), root: String(fields[3]))
            if tail[0] == "cgroup", tail[2].split(separator: ",").contains("memory") { v1Mount = mount }
            if tail[0] == "cgroup2" { v2Mount = mount }
        }
        for line in cgroup.split(separator: "\n") {
            let parts = line.split(separator: ":", maxSplits: 2, omittingEmptySubsequences: false)
            guard parts.count == 3 else { continue }
            // The group path is from the hierarchy's root; a mount may show only a subtree of it.
            func directory(_ m: (point: String, root: String)) -> String {
                var relative = Substring(parts[2])
                if m.root != "/" && relative.hasPrefix(m.root) { relative = relative.dropFirst(m.root.count) }
                return relative == "/" ? m.point : m.point + relative
            }
            if let v1Mount, parts[1].split(separator: ",").contains("memory") { return (.v1, directory(v1Mount)) }
            if let v2Mount, v1Mount == nil, parts[0] == "0", parts[1].isEmpty, offersMemory(directory(v2Mount)) {
                return (.v2, directory(v2Mount))
            }
        }
        return nil
    }

    /// Parses a memory size the way a Kubernetes resource limit writes it: bytes, or a whole number with
    /// a binary (`Ki`, `Mi`, `Gi`, `Ti`) or decimal (`k`, `K`, `M`, `G`, `T`) suffix; nil when malformed,
    /// not positive, or too large.
    public static func bytes(_ text: String) -> Int? {
        let units: [(String, Int)] = [
            ("Ki", 1 << 10), ("Mi", 1 << 20), ("Gi", 1 << 30), ("Ti", 1 << 40), ("k", 1000), ("K", 1000), ("M", 1_000_000),
            ("G", 1_000_000_000), ("T", 1_000_000_000_000),
        ]
        let (digits, unit) = units.first { text.hasSuffix($0.0) }.map { (text.dropLast($0.0.count), $0.1) } ?? (Substring(text), 1)
        guard !digits.isEmpty, digits.allSatisfy(\.isASCII), digits.allSatisfy(\.isNumber), let n = Int(digits), n > 0 else { return nil }
        let (product, overflow) = n.multipliedReportingOverflow(by: unit)
        return overflow ? nil : product
    }

    /// Whether a v2 group lists `memory` among the controllers its children may use.
    static func offersMemory(_ group: String) -> Bool {
        let controllers = (try? String(contentsOfFile: group + "/cgroup.controllers", encoding: .utf8)) ?? ""
        return controllers.split(whereSeparator: \.isWhitespace).contains("memory")
    }

    /// The most memory the group has held since it was made, in bytes (anonymous and file pages).
    public var peakBytes: Int? { Self.readInt(path + (version == .v1 ? "/memory.max_usage_in_bytes" : "/memory.peak")) }

    /// What the group holds now: anonymous pages and file pages (mapped or cached), in bytes.
    public var usage: (anonymous: Int, file: Int)? {
        guard let text = try? String(contentsOfFile: path + "/memory.stat", encoding: .utf8) else { return nil }
        var values: [Substring: Int] = [:]
        for line in text.split(separator: "\n") {
            let kv = line.split(separator: " ")
            if kv.count == 2, let v = Int(kv[1]) { values[kv[0]] = v }
        }
        return version == .v1
            ? (values["rss"] ?? 0, values["cache"] ?? 0)  // v1 counts huge pages within rss
            : (values["anon"] ?? 0, values["file"] ?? 0)
    }

    /// Removes the groups of earlier runs that were killed before they could leave theirs: each
    /// `kura-bench-PID` in `parent` whose process is gone. `rmdir` refuses a group that still holds a
    /// process, so a live run's group is never taken away.
    static func removeStale(in parent: String) {
        let names = (try? FileManager.default.contentsOfDirectory(atPath: parent)) ?? []
        for name in names where name.hasPrefix("kura-bench-") {
            guard let pid = pid_t(name.dropFirst("kura-bench-".count)), pid != getpid() else { continue }
            if kill(pid, 0) != 0 && errno == ESRCH { rmdir(parent + "/" + name) }
        }
    }

    /// Moves the process back to its former group and removes this one.
    /// - Throws: `KuraError.io` when the move fails; the group is then left for the system to reap.
    public func leave() throws {
        try Self.write(String(getpid()), to: parent + "/cgroup.procs")
        rmdir(path)
    }

    private static func write(_ text: String, to file: String) throws {
        let fd = open(file, O_WRONLY)
        guard fd >= 0 else { throw KuraError.io(path: file, reason: String(cString: strerror(errno))) }
        defer { close(fd) }
        let ok = text.withCString { Foundation.write(fd, $0, strlen($0)) == strlen($0) }
        guard ok else { throw KuraError.io(path: file, reason: String(cString: strerror(errno))) }
    }

    private static func readInt(_ file: String) -> Int? {
        (try? String(contentsOfFile: file, encoding: .utf8)).flatMap { Int($0.trimmingCharacters(in: .whitespacesAndNewlines)) }
    }
}
