import Foundation
import KuraCore
import KuraIndex
import KuraStore
import Logging
import Testing

@testable import KuraServer

/// The server's maintenance task: a collection left with light segments is compacted once it has had
/// no write for the idle time, and the task ends when cancelled.
struct BackgroundCompactionTests {
    @Test func idleCollectionsAreCompacted() async throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("kura-bgcompact-\(UUID().uuidString)").path
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let store = try Store(directory: dir)
        _ = try store.createCollection(
            CollectionInfo(name: "c", dimension: 4, metric: .cosine, parameters: HNSWParameters(m: 8, efConstruction: 64), sealThreshold: 10))
        let c = try store.collection("c")
        let records = (0..<25).map { (i: Int) -> Record in
            let v: [Float] = [Float(i % 5) + 1, Float(i % 3), Float(i % 7), 1]
            return Record(id: "d\(i)", text: "t\(i)", metadata: "{}", vector: v)
        }
        _ = try c.upsert(records)
        #expect(c.needsCompaction, "two light segments sealed from the growing graph")

        let task = Task { await KuraServer.compactWhenIdle(store, idle: 0.3, logger: Logger(label: "test")) }
        var waited = 0.0
        while c.needsCompaction && waited < 20 {
            try await Task.sleep(for: .milliseconds(50))
            waited += 0.05
        }
        #expect(!c.needsCompaction, "compacted within \(waited) s")
        #expect(try c.stats().segments == 1)
        task.cancel()
        await task.value
    }
}
