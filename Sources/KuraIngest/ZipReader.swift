import Foundation
import KuraCore
import ZIPFoundation

/// The members of a ZIP container (Office Open XML, OpenDocument, EPUB) read with bounds: a member is
/// inflated only up to `maxMemberBytes` and a document up to `maxTotalBytes` in all, counted as bytes come
/// out rather than trusted from the headers, so a zip bomb fails fast and small.
struct ZipReader {
    static let maxMemberBytes = 64 << 20
    static let maxTotalBytes = 256 << 20

    let name: String
    private let archive: Archive
    private var inflated = 0

    /// The archive in a file.
    /// - Throws: `KuraError.invalidArgument` naming `name` when it is not a ZIP archive, `.io` when it cannot
    ///   be read.
    init(file path: String, name: String) throws {
        self.name = name
        guard let handle = FileHandle(forReadingAtPath: path) else { throw KuraError.io(path: path, reason: "cannot read") }
        defer { try? handle.close() }
        let size = (try? handle.seekToEnd()) ?? 0
        try? handle.seek(toOffset: size - min(size, UInt64(Self.endRecordReach)))
        guard Self.hasEndRecord((try? handle.readToEnd()) ?? Data()) else {
            throw KuraError.invalidArgument("\(name): damaged archive (not a readable ZIP file)")
        }
        do { archive = try Archive(url: URL(fileURLWithPath: path), accessMode: .read) } catch {
            throw KuraError.invalidArgument("\(name): damaged archive (not a readable ZIP file)")
        }
    }

    /// The archive in `data` (an upload). ZIPFoundation's in-memory archives trap on a seek past the end (a
    /// damaged archive does that) and leak when no end record is found, so the bytes are read from a
    /// temporary file, unlinked once open.
    /// - Throws: as ``init(file:name:)``, and `.io` when the temporary file cannot be written.
    init(_ data: Data, name: String) throws {
        guard Self.hasEndRecord(data.suffix(Self.endRecordReach)) else {
            throw KuraError.invalidArgument("\(name): damaged archive (not a readable ZIP file)")
        }
        let path = NSTemporaryDirectory() + "/kura-zip-\(UUID().uuidString)"
        guard FileManager.default.createFile(atPath: path, contents: data) else {
            throw KuraError.io(path: path, reason: "cannot write a temporary file to read \(name)")
        }
        defer { unlink(path) }
        try self.init(file: path, name: name)
    }

    /// Member paths, in the archive's order.
    var paths: [String] { archive.map(\.path) }

    /// A member's bytes, or nil when there is no such member.
    /// - Throws: `KuraError.invalidArgument` when it inflates past the limits or fails its checksum.
    mutating func read(_ path: String) throws -> Data? {
        guard let entry = archive[path] else { return nil }
        var out = Data()
        var budget = min(Self.maxMemberBytes, Self.maxTotalBytes - inflated)
        do {
            _ = try archive.extract(entry, bufferSize: 1 << 16) { chunk in
                budget -= chunk.count
                guard budget >= 0 else { throw Overflow() }
                out.append(chunk)
            }
        } catch is Overflow {
            throw KuraError.invalidArgument(
                "\(name): \(path) inflates past the limit (\(Self.maxMemberBytes >> 20) MiB a member, \(Self.maxTotalBytes >> 20) MiB a document; a zip bomb?)")
        } catch {
            throw KuraError.invalidArgument("\(name): damaged archive member \(path)")
        }
        inflated += out.count
        return out
    }

    /// A member that must be there.
    mutating func require(_ path: String) throws -> Data {
        guard let data = try read(path) else { throw KuraError.invalidArgument("\(name): damaged document (no \(path))") }
        return data
    }

    /// How far from the end an end-of-central-directory record can start: its 22 bytes and a comment of at
    /// most 65,535.
    static let endRecordReach = 22 + 65_535

    /// Whether the last end-of-central-directory signature (`PK\u{5}\u{6}`) in the tail of an archive, the
    /// one ZIPFoundation's backward scan finds, starts a whole record (22 bytes and the comment it names).
    static func hasEndRecord(_ data: Data) -> Bool {
        data.withUnsafeBytes { b in
            guard b.count >= 22 else { return false }
            for o in stride(from: b.count - 22, through: 0, by: -1) where b[o] == 0x50 && b[o + 1] == 0x4B && b[o + 2] == 5 && b[o + 3] == 6 {
                return o + 22 + (Int(b[o + 20]) | Int(b[o + 21]) << 8) <= b.count
            }
            return false
        }
    }

    private struct Overflow: Error {}
}
