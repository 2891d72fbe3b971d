import Foundation
import KuraCore
import Testing

@testable import KuraBench

@Suite struct AnnBenchmarkTests {
    /// The exact top-10 base rows of each query by cosine, written as `.ivecs` (rows numbered from 0).
    func exactTruth(base: URL, queries: URL) throws -> URL {
        let b = try VectorFiles.loadVectors(base.path), q = try VectorFiles.loadVectors(queries.path)
        func row(_ s: VectorSet, _ i: Int) -> ArraySlice<Float> { s.data[(i * s.dimension)..<((i + 1) * s.dimension)] }
        func cosine(_ x: ArraySlice<Float>, _ y: ArraySlice<Float>) -> Float {
            let dot = zip(x, y).reduce(0) { $0 + $1.0 * $1.1 }
            return dot / ((x.reduce(0) { $0 + $1 * $1 }).squareRoot() * (y.reduce(0) { $0 + $1 * $1 }).squareRoot())
        }
        var bytes: [UInt8] = []
        for i in 0..<q.rows {
            let top = (0..<b.rows).sorted { cosine(row(q, i), row(b, $0)) > cosine(row(q, i), row(b, $1)) }.prefix(10)
            withUnsafeBytes(of: Int32(10).littleEndian) { bytes += $0 }
            for r in top { withUnsafeBytes(of: Int32(r).littleEndian) { bytes += $0 } }
        }
        let url = VectorFilesTests().temp("ivecs")
        try Data(bytes).write(to: url)
        return url
    }

    /// Built block by block with the f32 rows in a file beside the saved segment: row i is still id i
    /// (recall against the rows' exact truth holds), the rows file leaves nothing behind, and the saved
    /// segment answers as the built index did.
    @Test func aBuildInBlocksSavesTheSameIndex() throws {
        let (base, queries) = try VectorFilesTests().smallSet()
        let truth = try exactTruth(base: base, queries: queries)
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("kura-annb-\(UInt32.random(in: 0...UInt32.max))")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { for u in [base, queries, truth, dir] { try? FileManager.default.removeItem(at: u) } }
        var config = AnnBenchmark.Config(queries: queries.path)
        config.base = base.path
        config.truth = truth.path
        config.efs = [64]
        config.buildBlock = 97
        config.save = dir.appendingPathComponent("built.kseg").path
        let built = try AnnBenchmark(config: config).run(onBuild: { _ in }, onPoint: { _ in }, onExact: { _ in }).first!.recall
        #expect(try FileManager.default.contentsOfDirectory(atPath: dir.path) == ["built.kseg"])
        config.base = nil
        config.load = config.save
        config.save = nil
        let loaded = try AnnBenchmark(config: config).run(onBuild: { _ in }, onPoint: { _ in }, onExact: { _ in }).first!.recall
        #expect(built >= 0.95 && loaded == built, "built \(built), loaded \(loaded)")
    }

    /// A segment written by a collection names row i of the base file chunk i + 1: loaded by `bench ann`,
    /// its recall is right only with a truth offset of 1 (0 finds next to nothing), and the exact truth
    /// computed when no file is given is named by the segment's ids, not its rows.
    @Test func aCollectionsSegmentIsMeasuredAgainstItsChunkIDs() throws {
        let (base, queries) = try VectorFilesTests().smallSet()
        let truth = try exactTruth(base: base, queries: queries)
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("kura-annb-\(UInt32.random(in: 0...UInt32.max))")
        defer { for u in [base, queries, truth, dir] { try? FileManager.default.removeItem(at: u) } }
        var store = StoreBenchmark.Config(base: base.path, queries: queries.path, truth: truth.path, directory: dir.path)
        store.sealThreshold = 200
        store.ingestRounds = 1
        store.inMemoryPeer = false
        try StoreBenchmark(config: store).run { _ in }
        let segments = try FileManager.default.subpathsOfDirectory(atPath: dir.path).filter { $0.hasSuffix(".kseg") }
        let segment = try #require(segments.count == 1 ? segments.first : nil, "\(segments)")

        func recall(offset: Int, truthFile: URL?) throws -> Double {
            var config = AnnBenchmark.Config(queries: queries.path)
            config.load = dir.appendingPathComponent(segment).path
            config.truth = truthFile?.path
            config.truthOffset = offset
            config.efs = [64]
            return try AnnBenchmark(config: config).run(onBuild: { _ in }, onPoint: { _ in }, onExact: { _ in }).first!.recall
        }
        #expect(try recall(offset: 1, truthFile: truth) >= 0.95)
        #expect(try recall(offset: 0, truthFile: truth) < 0.5)
        #expect(try recall(offset: 0, truthFile: nil) >= 0.95)
    }
}
