import Dispatch
import Foundation
import KuraCore
import KuraTesting
import Synchronization
import Testing

@testable import KuraIndex

struct HNSWBehaviourTests {
    let d = 32

    /// After an int8 walk only the best `perResult × k` candidates are re-scored from the f32 rows, and
    /// none at 0: with the f32 rows wiped, every re-scored distance is exactly 1 (cosine against zeros).
    @Test func rescoringReadsF32RowsOnlyWhereAsked() throws {
        #expect(Rescoring.depth(k: 10, ef: 64, perResult: 2) == 20)
        #expect(Rescoring.depth(k: 10, ef: 15, perResult: 2) == 15)
        #expect(Rescoring.depth(k: 10, ef: 5, perResult: 2) == 10)
        #expect(Rescoring.depth(k: 10, ef: 64, perResult: .max) == 64)
        #expect(Rescoring.depth(k: 10, ef: 64, perResult: 0) == 0)
        let data = TestData.random(3000, d, seed: 41)
        let index = try TestData.index(data, dimension: d)
        #expect(index.parameters.encoding == .int8)
        let q = TestData.row(TestData.random(1, d, seed: 42), 0, d)
        var view = index.view
        view.rescorePerResult = 0
        let walked = try q.withUnsafeBufferPointer { try view.search($0, k: 10, ef: 64, filter: nil, strategy: .automatic, pool: index.pool) }
        memset(index.vectors.raw, 0, index.vectors.byteCount)
        let again = try q.withUnsafeBufferPointer { try view.search($0, k: 10, ef: 64, filter: nil, strategy: .automatic, pool: index.pool) }
        #expect(again == walked && walked.count == 10 && walked.allSatisfy { $0.distance < 0.9 }, "no f32 row was read")
        let walked20 = try q.withUnsafeBufferPointer { try view.search($0, k: 20, ef: 64, filter: nil, strategy: .automatic, pool: index.pool) }
        view.rescorePerResult = 2
        let rescored = try q.withUnsafeBufferPointer { try view.search($0, k: 10, ef: 64, filter: nil, strategy: .automatic, pool: index.pool) }
        #expect(rescored.count == 10 && rescored.allSatisfy { $0.distance == 1 })
        #expect(Set(rescored.map(\.row)).isSubset(of: Set(walked20.map(\.row))), "only the walk's best 2k were re-scored")
    }

    /// Neighbour selection keeps the heuristic's diverse links first, then fills empty slots only with
    /// candidates nearly as close to the base as to a kept link (slack 1.2 on squared L2). In 2-D from
    /// the base (0, 0): A (1, 0) is kept; C (0.55, 0.95) is nearer A (1.105) than the base (1.205), so the
    /// heuristic drops it, but within the slack (1.326 ≥ 1.205); B (1, 1) is 1 from A and 2 from the base.
    @Test func emptySlotsFillOnlyWithNearlyDiverseCandidates() throws {
        let index = try HNSWIndex(dimension: 2, metric: .l2, parameters: HNSWParameters(m: 4, encoding: .f32), capacity: 4)
        let points: [Float] = [0, 0, 1, 0, 0.55, 0.95, 1, 1]
        try points.withUnsafeBufferPointer { _ = try index.insert(contentsOf: $0, ids: [0, 1, 2, 3], threads: 1) }
        let kernel = index.fullKernel
        let base = UnsafeMutablePointer<Float>.allocate(capacity: 2)
        defer { base.deallocate() }
        base.update(from: [0, 0], count: 2)
        let sorted = (1...3).map { MaxHeap.Entry(distance: kernel.distance(base, UInt32($0)), row: UInt32($0)) }.sorted { $0.distance < $1.distance }
        #expect(sorted.map(\.row) == [1, 2, 3])
        let scratch = UnsafeMutablePointer<Float>.allocate(capacity: 2)
        defer { scratch.deallocate() }
        #expect(index.selectNeighbors(sorted, max: 2, kernel, scratch).map(\.row) == [1, 2])
        #expect(index.selectNeighbors(sorted, max: 1, kernel, scratch).map(\.row) == [1])
        #expect(index.selectNeighbors(sorted, max: 3, kernel, scratch).map(\.row) == [1, 2, 3], "three candidates fit three slots")
    }

    /// f32 rows kept in a file instead of anonymous memory: the same graph and answers, the file gone
    /// from the directory as soon as the index exists, segments written from it the same.
    @Test func rowsInAFileSearchLikeRowsInMemory() throws {
        let data = TestData.random(3000, d, seed: 31)
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("kura-rows-\(UInt32.random(in: 0...UInt32.max))")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let file = dir.appendingPathComponent("merge.rows").path
        let inMemory = try HNSWIndex(dimension: d, metric: .cosine, capacity: 3000)
        let inFile = try HNSWIndex(dimension: d, metric: .cosine, capacity: 3000, rowsFile: file)
        #expect(try FileManager.default.contentsOfDirectory(atPath: dir.path).isEmpty, "the rows file is unlinked once mapped")
        for index in [inMemory, inFile] {
            try data.withUnsafeBufferPointer { _ = try index.insert(contentsOf: $0, ids: (0..<3000).map { UInt64($0) }, threads: 1) }
        }
        let queries = TestData.random(50, d, seed: 32)
        for i in 0..<50 {
            let q = TestData.row(queries, i, d)
            #expect(try inFile.search(q, k: 10, ef: 64) == inMemory.search(q, k: 10, ef: 64))
        }
        #expect(inFile.vector(ofRow: 1234) == inMemory.vector(ofRow: 1234))
        let a = dir.appendingPathComponent("a.kseg").path, b = dir.appendingPathComponent("b.kseg").path
        try SegmentWriter.write(inMemory, to: a)
        try SegmentWriter.write(inFile, to: b, releasingRows: true)
        #expect(FileManager.default.contentsEqual(atPath: a, andPath: b))
        #expect(inFile.vector(ofRow: 1234).allSatisfy { $0 == 0 } && inMemory.vector(ofRow: 1234).contains { $0 != 0 }, "rows in a file are freed once written")
        #expect(throws: KuraError.self) { try HNSWIndex(dimension: d, metric: .cosine, capacity: 10, rowsFile: "/nonexistent/dir/x.rows") }
    }

    /// Construction measures with the int8 copy only: with the f32 rows of the first 1,000 rows wiped,
    /// 500 more inserts link exactly as into an intact twin (each inserted row's own f32 is read, no other).
    @Test func constructionReadsNoStoredF32Row() throws {
        let data = TestData.random(1500, d, seed: 51)
        let parameters = HNSWParameters(m: 8, efConstruction: 64)
        let intact = try HNSWIndex(dimension: d, metric: .cosine, parameters: parameters, capacity: 1500)
        let wiped = try HNSWIndex(dimension: d, metric: .cosine, parameters: parameters, capacity: 1500)
        for index in [intact, wiped] {
            try data.withUnsafeBufferPointer {
                _ = try index.insert(contentsOf: UnsafeBufferPointer(rebasing: $0[0..<(1000 * d)]), ids: (0..<1000).map { UInt64($0) }, threads: 1)
            }
        }
        memset(wiped.vectors.raw, 0, 1000 * wiped.stride)
        for index in [intact, wiped] {
            try data.withUnsafeBufferPointer {
                _ = try index.insert(contentsOf: UnsafeBufferPointer(rebasing: $0[(1000 * d)...]), ids: (1000..<1500).map { UInt64($0) }, threads: 1)
            }
        }
        var changed = 0
        for row in UInt32(0)..<1500 {
            let a = intact.links.links(row, level: 0)!, b = wiped.links.links(row, level: 0)!
            if (0...Int(a[0])).contains(where: { a[$0] != b[$0] }) { changed += 1 }
        }
        #expect(changed == 0, "\(changed) rows linked differently")
        #expect(intact.links.links(1400, level: 0)![0] > 0)
        // The decoded int8 row is the f32 row within half a quantisation step.
        let f32 = intact.vector(ofRow: 1400)
        let scratch = UnsafeMutablePointer<Float>.allocate(capacity: d)
        defer { scratch.deallocate() }
        let decoded = intact.buildKernel.row(1400, into: scratch)
        let step = f32.map(abs).max()! / 127
        #expect((0..<d).allSatisfy { abs(decoded[$0] - f32[$0]) <= step / 2 + 1e-6 })
    }

    @Test func deletedRowsAreNeverReturned() throws {
        let data = TestData.random(4000, d, seed: 21)
        let index = try TestData.index(data, dimension: d)
        var rng = SeededRandom(seed: 5)
        var deleted = Set<UInt32>()
        while deleted.count < 1200 { deleted.insert(UInt32(rng.below(4000))) }
        for r in deleted { #expect(index.delete(row: r)) }
        #expect(!index.delete(row: deleted.first!), "a second delete reports nothing to do")
        #expect(!index.delete(row: 99_999))
        #expect(index.deletedCount == 1200)
        let queries = TestData.random(100, d, seed: 22)
        var live = Bitset(capacity: 4000)
        for r in 0..<4000 where !deleted.contains(UInt32(r)) { live.insert(r) }
        for i in 0..<100 {
            let q = TestData.row(queries, i, d)
            let found = try index.search(q, k: 10, ef: 64)
            #expect(found.count == 10)
            #expect(found.allSatisfy { !deleted.contains($0.row) })
            // Deleting the closest rows, including ones the walk must pass through, still leaves k results.
            let exact = try index.search(q, k: 10, filter: .rows(live), strategy: .exact)
            #expect(exact.allSatisfy { !deleted.contains($0.row) })
        }
        // Deleted rows stay deleted across a segment round trip.
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("kura-del-\(UInt32.random(in: 0...UInt32.max)).kseg").path
        defer { unlink(path) }
        try SegmentWriter.write(index, to: path)
        let seg = try Segment(path: path)
        #expect(seg.deletedCount == 1200)
        for i in 0..<20 { #expect(try seg.search(TestData.row(queries, i, d), k: 10).allSatisfy { !deleted.contains($0.row) }) }
    }

    @Test(arguments: [0.01, 0.10], [FilterStrategy.automatic, .graph])
    func filteredSearchReturnsOnlyAllowedRows(selectivity: Double, strategy: FilterStrategy) throws {
        let n = 10_000
        let data = TestData.random(n, d, seed: 31)
        let index = try TestData.index(data, dimension: d)
        var rng = SeededRandom(seed: 32)
        var allowed = Bitset(capacity: n)
        while Double(allowed.count) < selectivity * Double(n) { allowed.insert(rng.below(n)) }
        let queries = TestData.random(50, d, seed: 33)
        var found: [[Neighbor]] = []
        var truth: [[Neighbor]] = []
        for i in 0..<50 {
            let q = TestData.row(queries, i, d)
            let f = try index.search(q, k: 10, ef: 64, filter: .rows(allowed), strategy: strategy)
            #expect(f.count == 10)
            #expect(f.allSatisfy { allowed.contains(Int($0.row)) })
            found.append(f)
            truth.append(try index.search(q, k: 10, filter: .rows(allowed), strategy: .exact))
        }
        let recall = TestData.recall(found, truth, k: 10)
        #expect(recall >= 0.9, "selectivity \(selectivity) \(strategy): recall \(recall)")
        // A predicate filter gives the same rows as the equivalent bitset.
        let bits = allowed
        let q0 = TestData.row(queries, 0, d)
        let viaPredicate = try index.search(q0, k: 10, ef: 64, filter: .predicate { bits.contains(Int($0)) }, strategy: .exact)
        #expect(viaPredicate.map(\.row) == truth[0].map(\.row))
    }

    @Test func exactSearchMatchesBruteForce() throws {
        let n = 700
        for metric in Metric.allCases {
            let data = TestData.random(n, d, seed: 41)
            let index = try TestData.index(data, dimension: d, metric: metric)
            let queries = TestData.random(5, d, seed: 42)
            let got = try index.exactSearch(queries, k: 5)
            for i in 0..<5 {
                var q = TestData.row(queries, i, d)
                if metric == .cosine { q.withUnsafeMutableBufferPointer { Vectors.normalize($0) } }
                let scored = (0..<n).map { r -> (Int, Float) in
                    let v = index.vector(ofRow: UInt32(r))
                    let dot = zip(q, v).reduce(0) { $0 + $1.0 * $1.1 }
                    let l2 = zip(q, v).reduce(0) { $0 + ($1.0 - $1.1) * ($1.0 - $1.1) }
                    return (r, metric == .l2 ? l2 : metric == .cosine ? 1 - dot : -dot)
                }.sorted { $0.1 < $1.1 }
                #expect(got[i].map { Int($0.row) } == scored.prefix(5).map(\.0), "\(metric)")
                for (g, s) in zip(got[i], scored) { #expect(abs(g.distance - s.1) < 1e-3) }
            }
        }
    }

    @Test func concurrentSearchesDuringInserts() throws {
        let n = 6000
        let data = TestData.random(n, d, seed: 51)
        let index = try HNSWIndex(dimension: d, metric: .cosine, parameters: HNSWParameters(m: 12, efConstruction: 64), capacity: n)
        try data.withUnsafeBufferPointer {
            _ = try index.insert(contentsOf: UnsafeBufferPointer(rebasing: $0[0..<(500 * d)]), ids: (0..<500).map { UInt64($0) })
        }
        let queries = TestData.random(64, d, seed: 52)
        let failures = Atomic<Int>(0)
        let searches = Atomic<Int>(0)
        DispatchQueue.concurrentPerform(iterations: 4) { worker in
            if worker < 2 {
                for i in Swift.stride(from: 500 + worker, to: n, by: 2) {
                    do { try index.insert(TestData.row(data, i, d), id: UInt64(i)) } catch { failures.add(1, ordering: .relaxed) }
                }
            } else {
                var i = 0
                while index.count < n || i < 200 {
                    let q = TestData.row(queries, i % 64, d)
                    do {
                        let r = try index.search(q, k: 5, ef: 32)
                        if r.isEmpty || r.contains(where: { Int($0.row) >= index.count }) { failures.add(1, ordering: .relaxed) }
                    } catch { failures.add(1, ordering: .relaxed) }
                    searches.add(1, ordering: .relaxed)
                    i += 1
                }
            }
        }
        #expect(failures.load(ordering: .relaxed) == 0)
        #expect(searches.load(ordering: .relaxed) >= 200)
        #expect(index.count == n)
        #expect(index.check().isEmpty, "\(index.check().prefix(5))")
        let truth = try index.exactSearch(queries, k: 10)
        let found = try (0..<64).map { try index.search(TestData.row(queries, $0, d), k: 10, ef: 100) }
        #expect(TestData.recall(found, truth, k: 10) >= 0.9)
    }

    /// A row reachable on an upper level must already have its lower lists: readers racing a parallel
    /// batch insert always get k results (a row linked top-down used to end descents at an empty list).
    @Test func searchesDuringParallelBatchInsertsFindK() throws {
        for round in 0..<12 {
            let data = TestData.random(300, 16, seed: UInt64(round))
            let index = try HNSWIndex(dimension: 16, metric: .cosine, parameters: HNSWParameters(m: 8, efConstruction: 64), capacity: 300)
            try data.withUnsafeBufferPointer {
                _ = try index.insert(contentsOf: UnsafeBufferPointer(rebasing: $0[0..<(100 * 16)]), ids: (0..<100).map { UInt64($0) })
            }
            let short = Atomic<Int>(0)
            let done = Atomic<Bool>(false)
            DispatchQueue.concurrentPerform(iterations: 2) { worker in
                if worker == 0 {
                    for s in Swift.stride(from: 100, to: 300, by: 100) {
                        _ = try? data.withUnsafeBufferPointer {
                            try index.insert(
                                contentsOf: UnsafeBufferPointer(rebasing: $0[(s * 16)..<((s + 100) * 16)]), ids: (s..<(s + 100)).map { UInt64($0) }, threads: 2)
                        }
                    }
                    done.store(true, ordering: .releasing)
                } else {
                    var i = 0
                    while !done.load(ordering: .acquiring) {
                        if (try? index.search(TestData.row(data, i % 100, 16), k: 5).count) != 5 { short.add(1, ordering: .relaxed) }
                        i += 1
                    }
                }
            }
            #expect(short.load(ordering: .relaxed) == 0, "round \(round)")
            #expect(index.count == 300)
        }
    }

    @Test func badInputGetsClearErrors() throws {
        let index = try HNSWIndex(dimension: 4, metric: .cosine, capacity: 2)
        #expect(throws: KuraError.self) { try index.insert([1, 2, 3], id: 0) }
        #expect(throws: KuraError.self) { try index.insert([1, .nan, 3, 4], id: 0) }
        #expect(try index.search([1, 0, 0, 0], k: 3).isEmpty, "an empty index finds nothing")
        try index.insert([1, 0, 0, 0], id: 10)
        try index.insert([0, 1, 0, 0], id: 11)
        do {
            try index.insert([0, 0, 1, 0], id: 12)
            Issue.record("insert past capacity must fail")
        } catch let e as KuraError {
            #expect("\(e)".contains("full"))
        }
        #expect(index.count == 2)
        #expect(throws: KuraError.self) { try index.search([1, 0], k: 1) }
        #expect(throws: KuraError.self) { try index.search([1, 0, 0, 0], k: 0) }
        #expect(throws: KuraError.self) { try HNSWIndex(dimension: 0, metric: .l2, capacity: 1) }
        #expect(throws: KuraError.self) { try HNSWIndex(dimension: 4, metric: .l2, parameters: HNSWParameters(m: 1), capacity: 1) }
        let hit = try index.search([0.1, 1, 0, 0], k: 1)
        #expect(index.id(ofRow: hit[0].row) == 11)
    }

    @Test func integrityCheckFindsDamage() throws {
        let data = TestData.random(500, d, seed: 61)
        let index = try TestData.index(data, dimension: d)
        #expect(index.check().isEmpty)
        let list = index.links.mutableLinks(3, level: 0)!
        list[1] = 9999  // beyond the stored rows
        list[0] = UInt32(index.parameters.maxM0 + 5)
        let problems = index.check()
        #expect(problems.contains { $0.contains("row 3 level 0") && $0.contains("9999") })
        #expect(problems.contains { $0.contains("links, at most") })
    }

    @Test func levelsAreGeometric() {
        let p = HNSWParameters(m: 16)
        let levels = (0..<100_000).map { p.level(ofRow: $0) }
        let above0 = Double(levels.filter { $0 > 0 }.count) / 100_000
        #expect(abs(above0 - 1.0 / 16) < 0.01, "fraction above level 0: \(above0)")
        #expect(levels.max()! < 10)
    }
}
