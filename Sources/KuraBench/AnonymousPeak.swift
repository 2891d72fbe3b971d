import Foundation
import Synchronization

/// The most resident anonymous memory this process held during a phase, sampled on a background thread
/// (every 50 ms by default): the figure a pod's memory limit sees for heaps and graphs. A sample may miss
/// a peak shorter than the interval.
public final class AnonymousPeak: Sendable {
    private let peak = Atomic<Int>(0)
    private let running = Atomic<Bool>(true)
    private let finished = DispatchSemaphore(value: 0)

    /// Starts sampling now.
    public init(interval: Double = 0.05) {
        peak.store(ProcessMemory.current().anonymous, ordering: .relaxed)
        Thread.detachNewThread { [self] in
            while running.load(ordering: .relaxed) {
                let now = ProcessMemory.current().anonymous
                if now > peak.load(ordering: .relaxed) { peak.store(now, ordering: .relaxed) }
                Thread.sleep(forTimeInterval: interval)
            }
            finished.signal()
        }
    }

    /// Stops sampling and returns the peak, in bytes, including a last sample taken now.
    public func stop() -> Int {
        running.store(false, ordering: .relaxed)
        finished.wait()
        return max(peak.load(ordering: .relaxed), ProcessMemory.current().anonymous)
    }
}
