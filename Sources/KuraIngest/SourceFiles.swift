import Foundation
import KuraCore

/// The files an ingest run reads: each path argument is a file or a directory walked recursively
/// (hidden entries are not part of the walk), narrowed by a glob, in sorted order. A walked file that Kura
/// does not read (its format, its size) is listed with the reason, never dropped in silence; a file named
/// as an argument is always read.
public enum SourceFiles {
    /// A file to load.
    public struct Entry: Equatable, Sendable {
        /// Its path, as found.
        public var path: String
        /// The document id: the path relative to the directory argument, or the file argument as given.
        public var id: String
    }

    /// A file the walk found and will not load, with why.
    public struct Skipped: Equatable, Sendable {
        /// Its path, as found.
        public var path: String
        /// Why it is left out.
        public var reason: String
    }

    /// What a walk found: the files to load and the files left out.
    public struct Listing: Equatable, Sendable {
        /// Files to load, sorted.
        public var files: [Entry] = []
        /// Files left out.
        public var skipped: [Skipped] = []
    }

    /// The largest file loaded; a larger one is skipped with its size (the loaders read a file whole).
    public static let maxFileBytes = 256 << 20

    /// A glob without '/' matches the file name; with '/', the id (relative path); `**` spans folders.
    /// - Throws: `KuraError.notFound` for a path that does not exist, `.io` for a folder that cannot be listed.
    public static func list(_ paths: [String], glob: String?) throws -> Listing {
        var out = Listing()
        let fm = FileManager.default
        for arg in paths {
            var isDir: ObjCBool = false
            guard fm.fileExists(atPath: arg, isDirectory: &isDir) else { throw KuraError.notFound("\(arg): no such file or directory") }
            if !isDir.boolValue {
                if let reason = tooLarge(arg) {
                    out.skipped.append(Skipped(path: arg, reason: reason))
                } else {
                    out.files.append(Entry(path: arg, id: normalized(arg)))
                }
                continue
            }
            guard let walker = fm.enumerator(atPath: arg) else { throw KuraError.io(path: arg, reason: "cannot list the directory") }
            var found = Listing()
            while let rel = walker.nextObject() as? String {
                if rel.split(separator: "/").contains(where: { $0.hasPrefix(".") }) { continue }
                let full = (arg as NSString).appendingPathComponent(rel)
                var sub: ObjCBool = false
                guard fm.fileExists(atPath: full, isDirectory: &sub), !sub.boolValue else { continue }
                if let glob, !matches(glob, rel) { continue }
                if let reason = DocumentLoader.unsupported(rel) ?? tooLarge(full) {
                    found.skipped.append(Skipped(path: full, reason: reason))
                } else {
                    found.files.append(Entry(path: full, id: rel))
                }
            }
            out.files += found.files.sorted { $0.id < $1.id }
            out.skipped += found.skipped.sorted { $0.path < $1.path }
        }
        return out
    }

    /// Why a file is too large to load, or nil.
    static func tooLarge(_ path: String) -> String? {
        guard let size = (try? FileManager.default.attributesOfItem(atPath: path))?[.size] as? Int, size > maxFileBytes else { return nil }
        return "over the size limit (\(size) bytes; at most \(maxFileBytes >> 20) MiB)"
    }

    static func normalized(_ path: String) -> String {
        var p = path
        while p.hasPrefix("./") { p.removeFirst(2) }
        return p
    }

    static func matches(_ glob: String, _ relativePath: String) -> Bool {
        let subject = glob.contains("/") ? relativePath : (relativePath as NSString).lastPathComponent
        return match(Array(glob.unicodeScalars), 0, Array(subject.unicodeScalars), 0)
    }

    /// `*` matches within a path segment, `**` across segments, `?` one character, `[abc]` a set.
    static func match(_ p: [Unicode.Scalar], _ i: Int, _ s: [Unicode.Scalar], _ j: Int) -> Bool {
        if i == p.count { return j == s.count }
        switch p[i] {
        case "*":
            let double = i + 1 < p.count && p[i + 1] == "*"
            var next = double ? i + 2 : i + 1
            if double, next < p.count, p[next] == "/" { next += 1 }
            var k = j
            while true {
                if match(p, next, s, k) { return true }
                if k == s.count || (!double && s[k] == "/") { return false }
                k += 1
            }
        case "?":
            return j < s.count && s[j] != "/" && match(p, i + 1, s, j + 1)
        case "[":
            guard let close = p[(i + 1)...].firstIndex(of: "]"), j < s.count else { return false }
            let set = p[(i + 1)..<close]
            let negate = set.first == "!" || set.first == "^"
            let members = negate ? set.dropFirst() : set[...]
            var hit = false
            var k = members.startIndex
            while k < members.endIndex {
                if k + 2 < members.endIndex, members[k + 1] == "-" {
                    if (members[k].value...members[k + 2].value).contains(s[j].value) { hit = true }
                    k += 3
                } else {
                    if members[k] == s[j] { hit = true }
                    k += 1
                }
            }
            return hit != negate && match(p, close + 1, s, j + 1)
        default:
            return j < s.count && p[i] == s[j] && match(p, i + 1, s, j + 1)
        }
    }
}
