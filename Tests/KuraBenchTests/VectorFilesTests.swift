import Foundation
import KuraCore
import Testing

@testable import KuraBench

struct VectorFilesTests {
    func temp(_ ext: String) -> URL {
        FileManager.default.temporaryDirectory.appendingPathComponent("kura-vf-\(UInt32.random(in: 0...UInt32.max)).\(ext)")
    }

    func npy(descr: String, shape: String, body: [UInt8]) -> [UInt8] {
        var header = "{'descr': '\(descr)', 'fortran_order': False, 'shape': \(shape), }"
        while (10 + header.utf8.count + 1) % 64 != 0 { header += " " }
        header += "\n"
        let len = UInt16(header.utf8.count)
        return [0x93] + Array("NUMPY".utf8) + [1, 0, UInt8(len & 0xFF), UInt8(len >> 8)] + Array(header.utf8) + body
    }

    @Test func readsNpyFloat32AndFloat16() throws {
        let f32: [Float] = [1, 2, 3, 4, 5, 6]
        let u = temp("npy")
        defer { try? FileManager.default.removeItem(at: u) }
        try Data(npy(descr: "<f4", shape: "(2, 3)", body: f32.withUnsafeBytes { Array($0) })).write(to: u)
        let a = try VectorFiles.loadVectors(u.path)
        #expect(a.rows == 2 && a.dimension == 3 && a.data == f32)
        let halves: [UInt16] = [0x3C00, 0xC000, 0x3800, 0x0000]  // 1, -2, 0.5, 0
        try Data(npy(descr: "<f2", shape: "(2, 2)", body: halves.withUnsafeBytes { Array($0) })).write(to: u)
        let b = try VectorFiles.loadVectors(u.path)
        #expect(b.rows == 2 && b.dimension == 2 && b.data == [1, -2, 0.5, 0])
        try Data(npy(descr: "<i8", shape: "(1, 1)", body: [UInt8](repeating: 0, count: 8))).write(to: u)
        #expect(throws: KuraError.self) { try VectorFiles.loadVectors(u.path) }
        try Data(npy(descr: "<f4", shape: "(2, 3)", body: [0, 0, 0, 0])).write(to: u)
        #expect(throws: KuraError.self) { try VectorFiles.loadVectors(u.path) }
    }

    @Test func readsMappedRowsABlockAtATime() throws {
        let values = (0..<(7 * 3)).map { Float($0) / 4 - 2 }  // exact in float16 too
        let u = temp("npy")
        defer { try? FileManager.default.removeItem(at: u) }
        for (descr, body) in [("<f4", values.withUnsafeBytes { Array($0) }), ("<f2", values.map { Float16($0).bitPattern }.withUnsafeBytes { Array($0) })] {
            try Data(npy(descr: descr, shape: "(7, 3)", body: body)).write(to: u)
            let rows = try VectorRows(path: u.path)
            #expect(rows.rows == 7 && rows.dimension == 3)
            #expect(rows.block(0..<7) == values && rows.block(2..<4) == Array(values[6..<12]) && rows.block(7..<7).isEmpty)
            let limited = try VectorRows(path: u.path, limit: 2)
            #expect(limited.rows == 2 && limited.block(0..<2) == Array(values[0..<6]))
        }
        try Data(npy(descr: "<f2", shape: "(7, 3)", body: [UInt8](repeating: 0, count: 40))).write(to: u)
        #expect(throws: KuraError.self) { try VectorRows(path: u.path) }
    }

    @Test func readsFvecsAndIvecs() throws {
        var bytes: [UInt8] = []
        for row in [[Float(1), 2], [3, 4]] {
            withUnsafeBytes(of: Int32(2).littleEndian) { bytes += $0 }
            row.withUnsafeBytes { bytes += $0 }
        }
        let u = temp("fvecs")
        defer { try? FileManager.default.removeItem(at: u) }
        try Data(bytes).write(to: u)
        let v = try VectorFiles.loadVectors(u.path)
        #expect(v.rows == 2 && v.dimension == 2 && v.data == [1, 2, 3, 4])
        let iv = try VectorFiles.loadIvecs(u.path)
        #expect(iv.count == 2 && iv[0].count == 2)
        try Data(bytes.dropLast(3)).write(to: u)
        #expect(throws: KuraError.self) { try VectorFiles.loadVectors(u.path) }
        #expect(throws: KuraError.self) { try VectorFiles.loadVectors("/nonexistent/x.fvecs") }
        #expect(throws: KuraError.self) { try VectorFiles.loadVectors(u.deletingPathExtension().appendingPathExtension("csv").path) }
    }

    /// 500 random vectors of 16 dimensions and 50 queries that are base rows (so each query's own row is
    /// its nearest neighbour), written as .fvecs files the caller removes.
    func smallSet() throws -> (base: URL, queries: URL) {
        var rng: UInt64 = 3
        let d = 16
        let data = (0..<(500 * d)).map { _ -> Float in
            rng = rng &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
            return Float(Int(rng >> 41) % 2000) / 1000 - 1
        }
        func fvecs(_ rows: [[Float]]) -> Data {
            var b: [UInt8] = []
            for r in rows {
                withUnsafeBytes(of: Int32(r.count).littleEndian) { b += $0 }
                r.withUnsafeBytes { b += $0 }
            }
            return Data(b)
        }
        let base = temp("fvecs"), queries = temp("fvecs")
        try fvecs((0..<500).map { Array(data[($0 * d)..<(($0 + 1) * d)]) }).write(to: base)
        try fvecs((0..<50).map { Array(data[($0 * 7 * d)..<(($0 * 7 + 1) * d)]) }).write(to: queries)
        return (base, queries)
    }

    @Test func benchmarkMeasuresRecallAndWritesAPlot() throws {
        let d = 16
        let (base, queries) = try smallSet()
        defer { for u in [base, queries] { try? FileManager.default.removeItem(at: u) } }
        var config = AnnBenchmark.Config(queries: queries.path)
        config.base = base.path
        config.efs = [10, 40]
        config.exact = true
        var sawExact = false
        var builds: [AnnBenchmark.Build] = []
        let points = try AnnBenchmark(config: config).run(onBuild: { builds.append($0) }, onPoint: { _ in }, onExact: { e in sawExact = e.qps > 0 })
        let build = try #require(builds.first)
        #expect(builds.count == 1 && build.rows == 500 && !build.loaded && build.indexBytes > 500 * d * 4)
        #expect(points.map(\.ef) == [10, 40])
        #expect(points[1].recall >= 0.95)
        #expect(points.allSatisfy { $0.qps > 0 && $0.p99us >= $0.p50us })
        #expect(sawExact)
        #expect(points[0].json.contains("\"p50_us\""))
        let svg = RecallPlot.svg([.init(name: "kura", points: points.map { ($0.recall, $0.qps) })], title: "t")
        #expect(svg.hasPrefix("<svg") && svg.contains("<polyline") && svg.contains("kura"))
    }
}
