import Dispatch
import Synchronization

/// Runs small requests that arrive together as one batch, the way inference servers batch on the fly.
///
/// A server embeds each text query alone, and a forward pass over one short query streams every weight
/// of the model from memory for a few dozen tokens. Under concurrent queries that is most of the time:
/// callers that arrive while every lane is busy queue here, and the next lane to come free takes the
/// queue's front (up to `maxBatch` inputs) into one pass. A lone caller with a free lane runs at once,
/// so nothing waits for a batch to fill.
///
/// Order is first come, first served. A caller whose request was run by another lane returns as soon
/// as its result is in; a caller holding a lane keeps it until its own request is done, then hands it
/// to the first caller still waiting, so no lane idles while requests queue.
public final class Coalescer<Input: Sendable, Output: Sendable>: Sendable {
    /// One caller's request and where it stands. Mutated only under `state`'s lock.
    private final class Slot: @unchecked Sendable {
        let inputs: [Input]
        var done = false
        /// Given a lane: it runs batches until its own request is done.
        var holdsLane = false
        var outputs: [Output] = []
        let wake = DispatchSemaphore(value: 0)
        init(_ inputs: [Input]) { self.inputs = inputs }
    }

    private struct State {
        var queue: [Slot] = []
        var freeLanes: Int
    }

    private let state: Mutex<State>
    private let maxBatch: Int
    private let run: @Sendable ([Input]) -> [Output]

    /// - Parameters:
    ///   - lanes: batches run at once (the embedder's threads).
    ///   - maxBatch: inputs per batch at most; a caller's inputs are never split across batches.
    ///   - run: computes one output per input, in order.
    public init(lanes: Int, maxBatch: Int, run: @escaping @Sendable ([Input]) -> [Output]) {
        state = Mutex(State(freeLanes: max(1, lanes)))
        self.maxBatch = max(1, maxBatch)
        self.run = run
    }

    /// Requests queued and not yet taken into a batch.
    var queued: Int { state.withLock { $0.queue.count } }
    /// Lanes no caller holds.
    var freeLanes: Int { state.withLock { $0.freeLanes } }

    /// The outputs for `inputs`, computed in a batch with whatever else is queued.
    public func callAsFunction(_ inputs: [Input]) -> [Output] {
        guard !inputs.isEmpty else { return [] }
        let slot = Slot(inputs)
        let leads = state.withLock { s -> Bool in
            s.queue.append(slot)
            guard s.freeLanes > 0 else { return false }
            s.freeLanes -= 1
            slot.holdsLane = true
            return true
        }
        // Woken when done or when handed a lane, whichever comes first (both may come).
        if !leads { slot.wake.wait() }
        if state.withLock({ _ in slot.holdsLane }) { lead(slot) }
        return slot.outputs
    }

    /// Runs batches from the queue's front until `own` is done, then passes the lane on. When another
    /// lane has taken `own` and the queue is empty, gives the lane back and waits for that lane.
    private func lead(_ own: Slot) {
        while true {
            switch nextStep(own) {
            case .run(let batch): runBatch(batch)
            case .finished: return
            case .awaitOther: own.wake.wait()
            }
        }
    }

    private enum Step {
        case run([Slot])
        case finished
        case awaitOther
    }

    /// Gives `own`'s lane to the first queued caller without one, or back to the free lanes.
    private func passLane(_ s: inout State, from own: Slot) {
        own.holdsLane = false
        if let next = s.queue.first(where: { !$0.holdsLane }) {
            next.holdsLane = true
            next.wake.signal()
        } else {
            s.freeLanes += 1
        }
    }

    private func runBatch(_ batch: [Slot]) {
        let outputs = run(batch.flatMap(\.inputs))
        state.withLock { _ in
            var at = 0
            for slot in batch {
                slot.outputs = Array(outputs[at..<at + slot.inputs.count])
                at += slot.inputs.count
                slot.done = true
                slot.wake.signal()
            }
        }
    }

    /// The queue's front to run; or, once `own` is done, the lane handed to the first waiting caller.
    private func nextStep(_ own: Slot) -> Step {
        state.withLock { s in
            if own.done {
                if own.holdsLane { passLane(&s, from: own) }
                return .finished
            }
            guard !s.queue.isEmpty else {  // `own` is in another lane's batch
                passLane(&s, from: own)
                return .awaitOther
            }
            var batch: [Slot] = [], count = 0
            while let first = s.queue.first, batch.isEmpty || count + first.inputs.count <= maxBatch {
                batch.append(s.queue.removeFirst())
                count += first.inputs.count
            }
            return .run(batch)
        }
    }
}
