import Dispatch
import Foundation
import Synchronization
import Testing

@testable import KuraEmbed

/// The coalescer: every caller gets its own outputs in order, callers that queue behind a busy lane share
/// a batch, batches stay within their size without splitting a caller's inputs, and lanes are never lost.
@Suite struct CoalescerTests {
    /// A run function that records batch sizes and can hold its first batch until released.
    final class Recorder: @unchecked Sendable {
        let batches = Mutex<[Int]>([])
        let gate = DispatchSemaphore(value: 0)
        let holdFirst: Bool
        init(holdFirst: Bool) { self.holdFirst = holdFirst }

        func run(_ inputs: [Int]) -> [Int] {
            let first = batches.withLock { b in
                b.append(inputs.count)
                return b.count == 1
            }
            if first && holdFirst { gate.wait() }
            return inputs.map { $0 * 10 }
        }
    }

    @Test func callersBehindABusyLaneShareABatch() throws {
        let recorder = Recorder(holdFirst: true)
        let coalescer = Coalescer<Int, Int>(lanes: 1, maxBatch: 16) { recorder.run($0) }
        let results = Mutex<[Int: [Int]]>([:])
        let group = DispatchGroup()
        DispatchQueue.global().async(group: group) {
            let got = coalescer([0])
            results.withLock { $0[0] = got }
        }
        while recorder.batches.withLock({ $0.count }) == 0 { usleep(1000) }
        for caller in 1...8 {
            Thread.detachNewThread {
                group.enter()
                let got = coalescer([caller, caller + 100])
                results.withLock { $0[caller] = got }
                group.leave()
            }
        }
        while coalescer.queued < 8 { usleep(1000) }
        recorder.gate.signal()
        group.wait()
        #expect(results.withLock { $0[0] } == [0])
        for caller in 1...8 { #expect(results.withLock { $0[caller] } == [caller * 10, (caller + 100) * 10]) }
        // The lone first call ran alone; the eight that queued behind it (16 inputs) ran as one batch.
        #expect(recorder.batches.withLock { $0 } == [1, 16])
    }

    @Test func batchesKeepTheirSizeAndCallersStayWhole() throws {
        let recorder = Recorder(holdFirst: true)
        let coalescer = Coalescer<Int, Int>(lanes: 1, maxBatch: 5) { recorder.run($0) }
        let group = DispatchGroup()
        DispatchQueue.global().async(group: group) { _ = coalescer([0]) }
        while recorder.batches.withLock({ $0.count }) == 0 { usleep(1000) }
        let outputs = Mutex<[[Int]]>([])
        for caller in 1...6 {
            Thread.detachNewThread {
                group.enter()
                let inputs = Array(repeating: caller, count: 2)
                let got = coalescer(inputs)
                outputs.withLock { $0.append(got) }
                group.leave()
            }
        }
        while coalescer.queued < 6 { usleep(1000) }
        recorder.gate.signal()
        group.wait()
        #expect(outputs.withLock { $0.count } == 6)
        #expect(outputs.withLock { $0.allSatisfy { $0.count == 2 && $0[0] == $0[1] } })
        // Two inputs per caller and five per batch: two callers (four inputs) per batch, never five.
        #expect(recorder.batches.withLock { Array($0.dropFirst()) } == [4, 4, 4])
    }

    @Test func manyCallersOnTwoLanesAllFinishWithTheirOwnResults() throws {
        let recorder = Recorder(holdFirst: false)
        let coalescer = Coalescer<Int, Int>(lanes: 2, maxBatch: 8) { recorder.run($0) }
        let n = 2000
        let wrong = Atomic<Int>(0)
        DispatchQueue.concurrentPerform(iterations: n) { i in
            if coalescer([i]) != [i * 10] { wrong.add(1, ordering: .relaxed) }
        }
        #expect(wrong.load(ordering: .relaxed) == 0)
        #expect(recorder.batches.withLock { $0.reduce(0, +) } == n, "every input ran exactly once")
        #expect(coalescer.queued == 0)
        #expect(coalescer.freeLanes == 2, "every lane came back")
    }

    @Test func emptyInputsReturnAtOnce() {
        let coalescer = Coalescer<Int, Int>(lanes: 1, maxBatch: 4) { _ in
            Issue.record("ran an empty batch")
            return []
        }
        #expect(coalescer([]) == [])
    }
}
