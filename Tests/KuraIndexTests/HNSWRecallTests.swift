import Foundation
import KuraBench
import KuraCore
import Testing

@testable import KuraIndex

/// Recall against the exact oracle on real MiniLM vectors (the first 20k rows of docs384).
@Suite(.serialized)
struct HNSWRecallTests {
    @Test func docs384RecallAtEf64() throws {
        let (base, queries) = try TestData.docs384(rows: 20_000, queries: 200)
        let index = try TestData.index(base.data, dimension: base.dimension, parameters: HNSWParameters(m: 16, efConstruction: 100))
        let truth = try index.exactSearch(queries.data, k: 10)
        let found = try (0..<queries.rows).map { try index.search(TestData.row(queries.data, $0, queries.dimension), k: 10, ef: 64) }
        let recall = TestData.recall(found, truth, k: 10)
        #expect(recall >= 0.95, "recall@10 at ef=64 was \(recall)")
        #expect(index.check().isEmpty, "\(index.check())")
        // Distances agree with the oracle's for the rows both found.
        for (f, t) in zip(found, truth) {
            let oracle = Dictionary(t.map { ($0.row, $0.distance) }, uniquingKeysWith: { a, _ in a })
            for n in f { if let d = oracle[n.row] { #expect(abs(d - n.distance) < 1e-4) } }
        }
    }

    @Test(arguments: [Metric.cosine, .innerProduct, .l2], [VectorEncoding.f32, .f16, .int8])
    func everyMetricAndEncodingFindsNeighbours(metric: Metric, encoding: VectorEncoding) throws {
        let d = 24, n = 3000
        let data = TestData.random(n, d, seed: 7)
        let index = try TestData.index(data, dimension: d, metric: metric, parameters: HNSWParameters(m: 12, efConstruction: 100, encoding: encoding))
        let queries = TestData.random(50, d, seed: 8)
        let truth = try index.exactSearch(queries, k: 10)
        let found = try (0..<50).map { try index.search(TestData.row(queries, $0, d), k: 10, ef: 100) }
        let recall = TestData.recall(found, truth, k: 10)
        #expect(recall >= 0.95, "\(metric) \(encoding): recall \(recall)")
        for f in found { #expect(f.map(\.distance) == f.map(\.distance).sorted()) }
        #expect(index.check().isEmpty)
    }

    @Test func parallelInsertionBuildsASoundGraph() throws {
        let (base, queries) = try TestData.docs384(rows: 8000, queries: 100)
        let index = try TestData.index(base.data, dimension: base.dimension, parameters: HNSWParameters(m: 16, efConstruction: 100), threads: 4)
        #expect(index.count == 8000)
        #expect(index.check().isEmpty, "\(index.check().prefix(5))")
        let truth = try index.exactSearch(queries.data, k: 10)
        let found = try (0..<queries.rows).map { try index.search(TestData.row(queries.data, $0, queries.dimension), k: 10, ef: 64) }
        #expect(TestData.recall(found, truth, k: 10) >= 0.95)
    }

    @Test func oneThreadIsDeterministic() throws {
        let d = 16
        let data = TestData.random(1500, d, seed: 11)
        let a = try TestData.index(data, dimension: d)
        let b = try TestData.index(data, dimension: d)
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("kura-det-\(UInt32.random(in: 0...UInt32.max))")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        try SegmentWriter.write(a, to: dir.appendingPathComponent("a.kseg").path)
        try SegmentWriter.write(b, to: dir.appendingPathComponent("b.kseg").path)
        let fa = try Data(contentsOf: dir.appendingPathComponent("a.kseg"))
        let fb = try Data(contentsOf: dir.appendingPathComponent("b.kseg"))
        #expect(fa == fb)
        let c = try TestData.index(data, dimension: d, parameters: HNSWParameters(m: 12, efConstruction: 100, seed: 99))
        try SegmentWriter.write(c, to: dir.appendingPathComponent("c.kseg").path)
        #expect(try Data(contentsOf: dir.appendingPathComponent("c.kseg")) != fa, "a different seed should give a different graph")
    }
}
