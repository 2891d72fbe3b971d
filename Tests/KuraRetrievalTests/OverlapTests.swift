import Dispatch
import Foundation
import Testing

@testable import KuraRetrieval

@Suite struct OverlapTests {
    struct Failure: Error, Equatable { let side: String }

    @Test func theSideRunsWhileTheCallerDoes() throws {
        // The caller waits for a signal only the side sends: run one after the other, it would time out.
        let started = DispatchSemaphore(value: 0)
        let (a, b) = try Overlap.run(
            { started.wait(timeout: .now() + 10) == .success },
            beside: {
                started.signal()
                return 7
            },
            when: true)
        #expect(a, "the side did not run while the caller waited")
        #expect(b == 7)
    }

    @Test func withoutOverlapBothRunOnTheCallersThread() throws {
        let caller = pthread_self()
        let (a, b) = try Overlap.run({ pthread_equal(pthread_self(), caller) != 0 }, beside: { pthread_equal(pthread_self(), caller) != 0 }, when: false)
        #expect(a && b)
    }

    @Test func errorsFromEitherSideReachTheCaller() {
        for concurrently in [true, false] {
            #expect(throws: Failure(side: "main")) {
                try Overlap.run({ () throws -> Int in throw Failure(side: "main") }, beside: { 1 }, when: concurrently)
            }
            #expect(throws: Failure(side: "side")) {
                try Overlap.run({ 1 }, beside: { () throws -> Int in throw Failure(side: "side") }, when: concurrently)
            }
            #expect(throws: Failure(side: "main"), "the caller's error wins") {
                try Overlap.run(
                    { () throws -> Int in throw Failure(side: "main") }, beside: { () throws -> Int in throw Failure(side: "side") },
                    when: concurrently)
            }
        }
    }
}
