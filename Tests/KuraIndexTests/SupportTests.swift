import KuraTesting
import Testing

@testable import KuraIndex

struct SupportTests {
    @Test func maxHeapOrdersAndReplaces() {
        var h = MaxHeap(capacity: 2)
        defer { h.deallocate() }
        for (i, d) in [5, 1, 9, 3, 7, 2].enumerated() { h.push(Float(d), UInt32(i)) }
        #expect(h.top.distance == 9)
        h.replaceTop(4, 99)
        #expect(h.top.distance == 7)
        #expect(h.drainAscending().map(\.distance) == [1, 2, 3, 4, 5, 7])
        #expect(h.isEmpty)
    }

    @Test func bitsetBasics() {
        var b = Bitset(capacity: 130)
        b.insert(0)
        b.insert(64)
        b.insert(129)
        #expect(b.count == 3 && b.rows == [0, 64, 129])
        #expect(b.contains(64) && !b.contains(65) && !b.contains(500) && !b.contains(-1))
        b.remove(64)
        #expect(b.rows == [0, 129])
        let c = Bitset(capacity: 70, words: [UInt64.max, UInt64.max])
        #expect(c.count == 70)
    }

    @Test func visitedSetClearsBetweenSearches() {
        var v = VisitedSet(capacity: 10)
        defer { v.deallocate() }
        for _ in 0..<1_000 {
            v.reset()
            #expect(!v.testAndSet(3))
            #expect(v.testAndSet(3))
            #expect(!v.testAndSet(9))
        }
    }

    @Test func visitedSetAgreesWithASet() {
        var rng = SeededRandom(seed: 7)
        var v = VisitedSet(capacity: 5_000)
        defer { v.deallocate() }
        for _ in 0..<50 {
            v.reset()
            var oracle = Set<UInt32>()
            for _ in 0..<rng.below(3_000) {
                let row = UInt32(rng.below(5_000))
                #expect(v.testAndSet(row) == !oracle.insert(row).inserted)
            }
        }
    }

    @Test func visitedSetClearsWholeWhenASearchTouchesMoreWordsThanItRecords() {
        // Past 2^16 words (4,194,304 rows) the list of touched words overflows; the reset must clear all.
        let rows = 5_000_000
        var v = VisitedSet(capacity: rows)
        defer { v.deallocate() }
        v.reset()
        for row in stride(from: 0, to: rows, by: 64) { #expect(!v.testAndSet(UInt32(row))) }
        v.reset()
        for row in stride(from: 0, to: rows, by: 64) where v.testAndSet(UInt32(row)) {
            Issue.record("row \(row) still marked after reset")
            break
        }
    }

    @Test func blasCoreAdvice() {
        #expect(BLASRuntime.suggestedCoreType(environment: [:], coreName: "Prescott", kernels: ["scalar", "avx2", "avx512"]) == "SkylakeX")
        #expect(BLASRuntime.suggestedCoreType(environment: [:], coreName: "Prescott", kernels: ["scalar", "avx2"]) == "Haswell")
        #expect(BLASRuntime.suggestedCoreType(environment: [:], coreName: "Prescott", kernels: ["scalar"]) == nil)
        #expect(
            BLASRuntime.suggestedCoreType(environment: ["OPENBLAS_CORETYPE": "Prescott"], coreName: "Prescott", kernels: ["avx512"]) == nil,
            "a user's value is respected")
        #expect(BLASRuntime.suggestedCoreType(environment: [:], coreName: "SkylakeX", kernels: ["avx512"]) == nil)
        #expect(BLASRuntime.selfTest())
    }

    @Test func kernelsReportTheirNames() {
        #expect(Kernels.available.contains("scalar"))
        #expect(Kernels.available.contains(Kernels.activeName))
    }
}
