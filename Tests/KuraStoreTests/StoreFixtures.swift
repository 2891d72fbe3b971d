import Foundation
import KuraCore
import KuraIndex
import KuraTesting

@testable import KuraStore

/// Temporary data directories and seeded records for store tests.
enum StoreFixtures {
    static func tempDir(_ tag: String) -> String {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("kura-\(tag)-\(UInt32.random(in: 0...UInt32.max))").path
        try? FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        return dir
    }

    static func records(_ range: Range<Int>, dimension d: Int, prefix: String = "doc", seed: UInt64 = 1) -> [Record] {
        let flat = SeededRandom.vectors(range.upperBound, d, seed: seed)
        return range.map { i in
            Record(id: "\(prefix)\(i)", text: "text of \(prefix) \(i)", metadata: "{\"n\":\(i)}", vector: Array(flat[(i * d)..<((i + 1) * d)]))
        }
    }

    static func collection(_ store: Store, name: String = "c", dimension: Int = 8, sealThreshold: Int = 5) throws -> DocumentCollection {
        _ = try store.createCollection(
            CollectionInfo(
                name: name, dimension: dimension, metric: .cosine, parameters: HNSWParameters(m: 8, efConstruction: 64), sealThreshold: sealThreshold))
        return try store.collection(name)
    }

    /// The document of the nearest chunk to `vector`, or nil when the search finds nothing.
    static func topDocument(_ c: DocumentCollection, _ vector: [Float]) throws -> String? {
        guard let hit = try c.search(vector, k: 1, ef: 64).first else { return nil }
        return try c.chunks([hit.chunkID])[hit.chunkID]?.documentID
    }

    static func exportedIDs(_ c: DocumentCollection) throws -> [String] {
        var ids: [String] = []
        try c.export { ids.append($0.id) }
        return ids
    }
}
