import Dispatch
import Testing

@testable import KuraCore

/// Readers of a `ReadMostly` see each write whole, while writers change it under them.
@Suite struct ReadMostlyTests {
    /// Two arrays that a write always changes together, as a snapshot's parts are.
    struct Pair: Sendable {
        var left: [Int]
        var right: [Int]
    }

    @Test func readersSeeEveryWriteWhole() {
        let cell = ReadMostly(Pair(left: [0], right: [0]))
        let torn = ReadMostly(0)
        DispatchQueue.concurrentPerform(iterations: 4) { worker in
            for i in 1...2000 {
                if worker == 0 {
                    cell.update {
                        $0.left.append(i)
                        $0.right.append(-i)
                    }
                } else {
                    let seen = cell.value
                    if seen.left.count != seen.right.count || seen.left.last != seen.right.last.map({ -$0 }) { torn.update { $0 += 1 } }
                }
            }
        }
        #expect(torn.value == 0)
        let last = cell.value
        #expect(last.left == Array(0...2000) && last.right == (0...2000).map { -$0 })
    }
}
