import Foundation
import KuraCore
import KuraEmbed
import KuraStore
import KuraText
import Synchronization
import Testing

@testable import KuraIngest

/// The hashing embedder, counting what it is asked to embed.
final class CountingEmbedder: Embedder, Sendable {
    let inner = HashEmbedder(dimension: 32)
    let calls = Mutex(0)
    let texts = Mutex(0)
    var id: String { inner.id }
    var dimension: Int { inner.dimension }
    var tokenCounter: any TokenCounter { inner.tokenCounter }
    func embed(_ t: [String]) throws -> [[Float]] {
        calls.withLock { $0 += 1 }
        texts.withLock { $0 += t.count }
        return try inner.embed(t)
    }
}

@Suite struct PipelineTests {
    let dir = FileManager.default.temporaryDirectory.appendingPathComponent("kura-ingest-\(UUID().uuidString)").path

    func write(_ name: String, _ text: String) throws {
        let path = dir + "/docs/" + name
        try FileManager.default.createDirectory(atPath: (path as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
        try text.write(toFile: path, atomically: true, encoding: .utf8)
    }

    @Test func ingestIsIdempotentAndReportsBadFiles() throws {
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let long = (0..<600).map { "word\($0 % 37) about pods." }.joined(separator: " ")
        try write("a.md", "# Pods\n\n" + long)
        try write("b.txt", "Services expose pods.")
        try write("c/d.html", "<p>Nodes run pods</p>")
        try Data([0x41, 0xC3, 0x28]).write(to: URL(fileURLWithPath: dir + "/docs/e.txt"))
        let store = try Store(directory: dir + "/data")
        let embedder = CountingEmbedder()
        let collection = try EmbeddedCollection.open(store, name: "docs", embedder: embedder)
        #expect(collection.info.dimension == 32 && collection.info.embedder == "hash:32")

        var committed: [String] = []
        var failed: [String] = []
        let first = try IngestPipeline(collection: collection, embedder: embedder).run(paths: [dir + "/docs"]) { event in
            if case .committed(let ids) = event { committed += ids }
            if case .failed(let path, _) = event { failed.append(path) }
        }
        #expect(first.files == 4 && first.failedFiles == 1 && failed == [dir + "/docs/e.txt"])
        #expect(Set(committed) == ["a.md", "b.txt", "c/d.html"])
        #expect(first.written == 3 && first.chunks > 3)
        let embedded = embedder.texts.withLock { $0 }
        #expect(embedded == first.chunks)

        var exported: [String: String] = [:]
        try collection.export { exported[$0.id] = $0.text }
        #expect(exported["a.md"] == "# Pods\n\n" + long)  // chunks rebuild the document exactly
        #expect(exported["c/d.html"] == "Nodes run pods")
        let hits = try collection.search(embedder.inner.vector("Services expose pods."), k: 1)
        #expect(hits.count == 1)

        let again = try IngestPipeline(collection: collection, embedder: embedder).run(paths: [dir + "/docs"]) { _ in }
        #expect(again.unchanged == 3 && again.written == 0)
        #expect(embedder.texts.withLock { $0 } == embedded, "a re-run embedded unchanged documents")

        try write("b.txt", "Services expose pods on a stable address.")
        let changed = try IngestPipeline(collection: collection, embedder: embedder).run(paths: [dir + "/docs"]) { _ in }
        #expect(changed.written == 1 && changed.unchanged == 2)
        #expect(embedder.texts.withLock { $0 } == embedded + 1)
    }

    @Test func aCollectionOfAnotherEmbedderIsRefused() throws {
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let store = try Store(directory: dir + "/data")
        _ = try EmbeddedCollection.open(store, name: "docs", embedder: HashEmbedder(dimension: 16))
        let error = #expect(throws: KuraError.self) { try EmbeddedCollection.open(store, name: "docs", embedder: HashEmbedder(dimension: 8)) }
        #expect("\(error!)".contains("hash:16"))
    }

    /// `--analyzer` picks the analyzer of a collection being created and is refused for one that has another.
    @Test func theAnalyzerIsChosenAtCreation() throws {
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let store = try Store(directory: dir + "/data")
        let embedder = HashEmbedder(dimension: 16)
        #expect(try EmbeddedCollection.open(store, name: "ja", embedder: embedder, analyzer: .ja).info.analyzer == .ja)
        #expect(try EmbeddedCollection.open(store, name: "ja", embedder: embedder).info.analyzer == .ja, "reopened as it is")
        #expect(try EmbeddedCollection.open(store, name: "plain", embedder: embedder).info.analyzer == .auto)
        let error = #expect(throws: KuraError.self) { try EmbeddedCollection.open(store, name: "ja", embedder: embedder, analyzer: .standard) }
        #expect("\(error!)".contains("uses the ja analyzer"))
    }
}
