import CKuraKernels
import Foundation
import KuraCore
import Testing

@testable import KuraIndex

struct SegmentTests {
    let d = 40

    func tempPath(_ name: String) -> String {
        FileManager.default.temporaryDirectory.appendingPathComponent("kura-\(name)-\(UInt32.random(in: 0...UInt32.max)).kseg").path
    }

    func built(_ encoding: VectorEncoding = .int8, rows: Int = 2000) throws -> HNSWIndex {
        try TestData.index(TestData.random(rows, d, seed: 71), dimension: d, parameters: HNSWParameters(m: 12, efConstruction: 80, encoding: encoding))
    }

    @Test(arguments: VectorEncoding.allCases)
    func savedAndLoadedGiveIdenticalResults(encoding: VectorEncoding) throws {
        let index = try built(encoding)
        let path = tempPath("rt")
        defer { unlink(path) }
        try SegmentWriter.write(index, to: path)
        #expect(!FileManager.default.fileExists(atPath: path + ".tmp"), "the temp file is renamed away")
        let seg = try Segment(path: path)
        #expect(seg.count == index.count && seg.dimension == d && seg.metric == .cosine && seg.parameters == index.parameters)
        #expect(seg.verify().isEmpty)
        #expect(seg.check().isEmpty)
        let queries = TestData.random(40, d, seed: 72)
        for i in 0..<40 {
            let q = TestData.row(queries, i, d)
            let a = try index.search(q, k: 10, ef: 50)
            let b = try seg.search(q, k: 10, ef: 50)
            #expect(a == b)
            #expect(a.map { index.id(ofRow: $0.row) } == b.map { seg.id(ofRow: $0.row) })
        }
        #expect(try index.exactSearch(queries, k: 5).map { $0.map(\.row) } == seg.exactSearch(queries, k: 5).map { $0.map(\.row) })
    }

    /// A merge adopts the largest segment's graph and inserts the rest: on one thread that is the very
    /// graph one build of every row makes (same links, same file), with the segment's deleted rows kept
    /// deleted; a segment whose links name rows it lacks is refused before anything follows them.
    @Test(arguments: [VectorEncoding.int8, .f32])
    func anAdoptedSegmentGrowsLikeOneBuild(encoding: VectorEncoding) throws {
        let parameters = HNSWParameters(m: 12, efConstruction: 80, encoding: encoding)
        let data = TestData.random(3000, d, seed: 73)
        let ids = (0..<3000).map { UInt64($0 * 7) }
        func build(_ index: HNSWIndex, _ rows: Range<Int>) throws {
            try data.withUnsafeBufferPointer {
                _ = try index.insert(
                    contentsOf: UnsafeBufferPointer(rebasing: $0[(rows.lowerBound * d)..<(rows.upperBound * d)]), ids: Array(ids[rows]), threads: 1)
            }
        }
        let first = try HNSWIndex(dimension: d, metric: .cosine, parameters: parameters, capacity: 2000)
        try build(first, 0..<2000)
        let (path, whole, grown) = (tempPath("first"), tempPath("whole"), tempPath("grown"))
        defer { for p in [path, whole, grown] { unlink(p) } }
        try SegmentWriter.write(first, to: path)
        let adopted = try HNSWIndex(copying: try Segment(path: path), deleted: Bitset(capacity: 2000), parameters: parameters, capacity: 3000)
        #expect(adopted.count == 2000 && adopted.id(ofRow: 1999) == ids[1999] && adopted.vector(ofRow: 5) == first.vector(ofRow: 5))
        try build(adopted, 2000..<3000)
        let oneBuild = try HNSWIndex(dimension: d, metric: .cosine, parameters: parameters, capacity: 3000)
        try build(oneBuild, 0..<3000)
        try SegmentWriter.write(oneBuild, to: whole)
        try SegmentWriter.write(adopted, to: grown)
        #expect(FileManager.default.contentsEqual(atPath: whole, andPath: grown))

        let deleted = Bitset(capacity: 2000, rows: [3, 1500])
        let withDeletes = try HNSWIndex(copying: try Segment(path: path), deleted: deleted, parameters: parameters, capacity: 2000)
        #expect(withDeletes.deletedCount == 2 && withDeletes.isDeleted(row: 1500) && !withDeletes.isDeleted(row: 4))
        #expect(try withDeletes.search(TestData.row(data, 3, d), k: 5, ef: 50).allSatisfy { $0.row != 3 })
        #expect(throws: KuraError.self) { try HNSWIndex(copying: try Segment(path: path), deleted: deleted, parameters: parameters, capacity: 1999) }
        #expect(throws: KuraError.self) {
            try HNSWIndex(copying: try Segment(path: path), deleted: deleted, parameters: HNSWParameters(m: 16, encoding: encoding), capacity: 2000)
        }

        let level0 = try Segment(path: path).header.section(.level0)!.offset
        let fd = open(path, O_WRONLY)
        var far = UInt32(2000).littleEndian
        #expect(pwrite(fd, &far, 4, off_t(level0 + 4 * (1 + 7 * (parameters.maxM0 + 1)))) == 4)
        close(fd)
        #expect(throws: KuraError.self) { try HNSWIndex(copying: try Segment(path: path), deleted: deleted, parameters: parameters, capacity: 2000) }
    }

    @Test func emptyIndexRoundTrips() throws {
        let index = try HNSWIndex(dimension: d, metric: .l2, capacity: 10)
        let path = tempPath("empty")
        defer { unlink(path) }
        try SegmentWriter.write(index, to: path)
        let seg = try Segment(path: path)
        #expect(seg.count == 0)
        #expect(try seg.search([Float](repeating: 0, count: d), k: 3).isEmpty)
    }

    @Test func openingDoesNotReadTheBody() throws {
        // A file whose body is all damage still opens in O(1); only verify() reads it.
        let index = try built()
        let path = tempPath("lazy")
        defer { unlink(path) }
        try SegmentWriter.write(index, to: path)
        var bytes = try [UInt8](Data(contentsOf: URL(fileURLWithPath: path)))
        for i in Swift.stride(from: 4096, to: bytes.count, by: 97) { bytes[i] ^= 0x5A }
        try Data(bytes).write(to: URL(fileURLWithPath: path))
        let seg = try Segment(path: path)
        #expect(!seg.verify().isEmpty)
        // Searching damaged data returns something or nothing, but stays in bounds.
        for i in 0..<20 {
            let r = try seg.search(TestData.random(1, d, seed: UInt64(100 + i)), k: 10)
            #expect(r.allSatisfy { Int($0.row) < seg.count })
        }
        _ = seg.check()
    }

    func expectCorrupt(_ path: String, _ fragment: String) {
        do {
            _ = try Segment(path: path)
            Issue.record("opening must fail with '\(fragment)'")
        } catch let e as KuraError {
            guard case .corruptFile(_, let reason) = e else {
                Issue.record("expected corruptFile, got \(e)")
                return
            }
            #expect(reason.contains(fragment), "\(reason)")
        } catch {
            Issue.record("unexpected \(error)")
        }
    }

    @Test func damagedFilesGiveClearErrors() throws {
        let index = try built()
        let path = tempPath("bad")
        defer { unlink(path) }
        try SegmentWriter.write(index, to: path)
        let good = try [UInt8](Data(contentsOf: URL(fileURLWithPath: path)))
        func write(_ b: [UInt8]) throws { try Data(b).write(to: URL(fileURLWithPath: path)) }

        try write(Array(good.prefix(100)))
        expectCorrupt(path, "shorter than")
        try write(Array(good.prefix(good.count - 1000)))
        expectCorrupt(path, "truncated")
        try write([])
        expectCorrupt(path, "shorter than")

        var magic = good
        magic[0] = UInt8(ascii: "X")
        try write(magic)
        expectCorrupt(path, "bad magic")

        var flipped = good
        flipped[20] ^= 0x01  // metric code, inside the header checksum
        try write(flipped)
        expectCorrupt(path, "header checksum")

        // A newer version with a valid checksum is refused by version, not by checksum.
        var newer = good
        newer[8] = 2
        let crc = ck_crc32c(0, newer, 508)
        withUnsafeBytes(of: crc.littleEndian) { for (i, x) in $0.enumerated() { newer[508 + i] = x } }
        try write(newer)
        expectCorrupt(path, "version 2 is not supported")

        var body = good
        body[good.count / 2] ^= 0x10
        try write(body)
        let seg = try Segment(path: path)
        let problems = seg.verify()
        #expect(problems.count == 1)
        #expect(problems.first?.contains("checksum mismatch") == true)

        do {
            _ = try Segment(path: path + ".missing")
            Issue.record("a missing file must fail")
        } catch let e as KuraError {
            guard case .io = e else {
                Issue.record("expected io, got \(e)")
                return
            }
        }
    }
}
