import Foundation
import KuraCore
import KuraEmbed
import KuraIngest
import KuraStore
import KuraText

/// KAITO's `/persist` and `/load`: a collection's documents as JSONL (`documents.jsonl` under the path).
/// A snapshot is written to a temporary file, fsynced, renamed and its directory fsynced, so a crash
/// leaves the old snapshot or the new one. A load fills a hidden staging collection and only then takes
/// the index's name, so a load that fails leaves the index it would have replaced as it was.
enum Snapshots {
    static func save(_ c: DocumentCollection, to path: String) throws {
        try c.flush()
        try Durable.createDirectory(path)
        let tmp = path + "/documents.jsonl.tmp"
        guard FileManager.default.createFile(atPath: tmp, contents: nil), let h = FileHandle(forWritingAtPath: tmp) else {
            throw KuraError.io(path: tmp, reason: "cannot be written")
        }
        do {
            try c.export { try h.write(contentsOf: Data((try $0.exportLine() + "\n").utf8)) }
            try h.synchronize()
            try h.close()
        } catch {
            try? h.close()
            unlink(tmp)
            throw (error as? KuraError) ?? KuraError.io(path: tmp, reason: "\(error)")
        }
        guard rename(tmp, path + "/documents.jsonl") == 0 else {
            let reason = String(cString: strerror(errno))
            unlink(tmp)
            throw KuraError.io(path: path, reason: reason)
        }
        try Durable.syncDirectory(path)
    }

    /// Where a snapshot goes: `root/name` by default; a given path must stay inside `root` (relative to it,
    /// or absolute under it), so a request can never write or read elsewhere on the server's disk.
    static func path(_ given: String?, name: String, root: String) throws -> String {
        let rootURL = URL(fileURLWithPath: root).standardizedFileURL
        guard let given, !given.isEmpty else { return rootURL.appendingPathComponent(name).path }
        let url = given.hasPrefix("/") ? URL(fileURLWithPath: given).standardizedFileURL : rootURL.appendingPathComponent(given).standardizedFileURL
        guard url.path.hasPrefix(rootURL.path + "/") else {
            throw KuraError.invalidArgument("path must be inside the persist directory \(rootURL.path)")
        }
        return url.path
    }

    static func load(_ service: KuraService, name: String, from path: String, overwrite: Bool) throws {
        try CollectionInfo.validate(name: name)
        let file = path + "/documents.jsonl"
        guard FileManager.default.fileExists(atPath: file) else { throw KuraError.notFound("No snapshot at \(path)") }
        if !overwrite, try service.store.listCollections().contains(where: { $0.name == name }) {
            throw KuraError.conflict("Index \(name) already exists; pass overwrite=true to replace it.")
        }
        let docs = try DocumentLoader.load(path: file, id: "documents.jsonl").map {
            DocumentInput(id: $0.id, text: $0.text, metadata: try JSONDecoder().decode(JSONValue.self, from: Data($0.metadata.utf8)))
        }
        let embedder = service.embedder
        // An index loaded over another keeps its analyzer.
        let analyzer = try service.store.listCollections().first { $0.name == name }?.analyzer ?? .default
        let info = CollectionInfo(name: name, dimension: try embedder.resolvedDimension(), metric: .cosine, embedder: embedder.id, analyzer: analyzer)
        let staging = try service.store.createStagingCollection(info)
        defer { service.store.endStaging(staging.name) }
        do {
            for start in stride(from: 0, to: docs.count, by: 256) { _ = try service.upsert(staging.name, Array(docs[start..<min(docs.count, start + 256)])) }
            try service.store.collection(staging.name).flush()
            try service.store.replaceCollection(name, with: staging.name, overwrite: overwrite)
        } catch {
            try? service.store.deleteCollection(staging.name)
            throw error
        }
    }
}
