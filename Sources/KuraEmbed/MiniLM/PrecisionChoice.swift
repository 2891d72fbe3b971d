import CKuraKernels
import Foundation
import KuraCore

/// How the native embedder picks its precision: by measurement, not by CPU flag. Each precision this
/// CPU runs natively (float always; bf16 with AVX512-BF16; binary16 with AVX512-FP16; int8 with
/// AVX512-VNNI; 12-bit with AVX512-VNNI or AVX2) embeds a fixed probe
/// on one thread; the fastest whose vectors agree with float's (mean cosine ≥ ``agreement``) is kept, and
/// of those within ``tie`` of the fastest (closer than the probe's timing can tell apart), the closest to float.
/// The result is cached per machine (CPU model and the features used, Kura's version, the model file's
/// size) in `embedder-precision.json` under the data directory, so the probe runs once. With
/// `KURA_MINILM_PRECISION` set, that precision is taken as asked (when the CPU runs it) and nothing is
/// measured.
public struct PrecisionChoice: Sendable, Codable, Equatable {
    /// One precision's measurement.
    public struct Trial: Sendable, Codable, Equatable {
        /// The precision's name (`MiniLMEmbedder.Precision`'s raw value).
        public var precision: String
        /// Probe tokens embedded per second on one thread.
        public var tokensPerSecond: Double
        /// Mean cosine of its probe vectors to float's.
        public var meanCosine: Double
    }

    /// The chosen precision's name.
    public var precision: String
    /// Why it was chosen, in one line for people.
    public var reason: String
    /// Every precision measured, in the order tried (empty when one was asked for, or only float runs).
    public var trials: [Trial]
    /// What the measurement holds for: a cache with another key is measured again.
    var key: String

    /// Vectors must agree with float's at least this well (mean cosine over the probe) to be kept.
    public static let agreement = 0.99998
    /// Trials within this fraction of the fastest count as equally fast.
    static let tie = 0.05
    /// Bumped when a kernel changes enough to make earlier measurements stale.
    static let version = "kura 0.1, kernels 7"
    static let cacheFile = "embedder-precision.json"

    /// The precision chosen.
    public var chosen: MiniLMEmbedder.Precision { MiniLMEmbedder.Precision(rawValue: precision) ?? .f32 }

    /// The precision to run the model in `modelDirectory` with, measured or read from `cacheDirectory`'s
    /// cache (nil: measured every time, nothing written).
    /// - Throws: what loading the model throws; a cache that cannot be read or written is ignored.
    public static func choose(
        modelDirectory: URL, cacheDirectory: String?, environment: [String: String] = ProcessInfo.processInfo.environment
    ) throws -> PrecisionChoice {
        let key = machineKey(modelDirectory)
        if let asked = environment["KURA_MINILM_PRECISION"].flatMap(MiniLMEmbedder.Precision.init(rawValue:)) {
            let p = MiniLMEmbedder.Precision.automatic(environment: environment)
            let why =
                p == asked ? "asked for by KURA_MINILM_PRECISION" : "KURA_MINILM_PRECISION asked for \(asked.rawValue), which this CPU does not run natively"
            return PrecisionChoice(precision: p.rawValue, reason: why, trials: [], key: key)
        }
        if candidates.count == 1 {
            return PrecisionChoice(precision: "f32", reason: "float is the only precision this CPU runs natively", trials: [], key: key)
        }
        let path = cacheDirectory.map { "\($0)/\(cacheFile)" }
        if let path, let data = FileManager.default.contents(atPath: path), let cached = try? JSONDecoder().decode(Self.self, from: data),
            cached.key == key
        {
            return cached
        }
        let choice = try measure(modelDirectory: modelDirectory, key: key)
        if let path, let data = try? JSONEncoder().encode(choice) { try? data.write(to: URL(fileURLWithPath: path), options: .atomic) }
        return choice
    }

    /// The precisions this CPU runs natively, float first.
    static var candidates: [MiniLMEmbedder.Precision] {
        [.f32] + (ck_bf16_native() != 0 ? [.bf16] : []) + (ck_f16_native() != 0 ? [.f16] : [])
            + (ck_i8_native() != 0 ? [.int8] : []) + (ck_i16_native() != 0 ? [.int16] : [])
    }

    static func measure(modelDirectory: URL, key: String) throws -> PrecisionChoice {
        var trials: [Trial] = []
        var reference: [[Float]] = []
        for p in candidates {
            let embedder = try MiniLMEmbedder(modelDirectory: modelDirectory, threads: 1, precision: p)
            let tokens = probe.reduce(0) { $0 + embedder.tokenizer.encode($1).count }
            var vectors = try embedder.embed(probe)
            var best = Double.infinity
            for _ in 0..<2 {
                let start = DispatchTime.now().uptimeNanoseconds
                vectors = try embedder.embed(probe)
                best = min(best, Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9)
            }
            if p == .f32 { reference = vectors }
            let cosines = zip(vectors, reference).map { a, b in Double(zip(a, b).reduce(Float(0)) { $0 + $1.0 * $1.1 }) }
            trials.append(Trial(precision: p.rawValue, tokensPerSecond: Double(tokens) / best, meanCosine: cosines.reduce(0, +) / Double(cosines.count)))
        }
        let (precision, reason) = decide(trials)
        return PrecisionChoice(precision: precision, reason: reason, trials: trials, key: key)
    }

    /// The fastest trial that agrees with float (float itself always does), the closest to float among those
    /// as fast within ``tie``; the reason names the others.
    static func decide(_ trials: [Trial]) -> (String, String) {
        let kept = trials.filter { $0.precision == "f32" || $0.meanCosine >= agreement }
        guard let fastest = kept.map(\.tokensPerSecond).max() else { return ("f32", "nothing measured") }
        let best = kept.filter { $0.tokensPerSecond >= (1 - tie) * fastest }.max { $0.meanCosine < $1.meanCosine }!
        let notes = trials.filter { $0 != best }.map { t in
            t.meanCosine < agreement && t.precision != "f32"
                ? "\(t.precision) \(Int(t.tokensPerSecond)) tokens/s but mean cosine \(String(format: "%.5f", t.meanCosine)) to float: not kept"
                : "\(t.precision) \(Int(t.tokensPerSecond)) tokens/s"
        }
        let rule = "fastest that agrees with float (of those within \(Int(tie * 100))% of it, the closest)"
        let reason = "\(rule): \(best.precision) \(Int(best.tokensPerSecond)) tokens/s"
        return (best.precision, notes.isEmpty ? reason : reason + "; " + notes.joined(separator: "; "))
    }

    /// The CPU model, the features the kernels use, Kura's kernels version and the model file's size.
    static func machineKey(_ modelDirectory: URL) -> String {
        let cpu = (try? String(contentsOfFile: "/proc/cpuinfo", encoding: .utf8))?.split(separator: "\n")
            .first { $0.hasPrefix("model name") }.map { String($0.split(separator: ":", maxSplits: 1).last ?? "").trimmingCharacters(in: .whitespaces) }
        let size = (try? FileManager.default.attributesOfItem(atPath: modelDirectory.appendingPathComponent("model.safetensors").path)[.size] as? Int) ?? 0
        let isa = ck_active().map { String(cString: $0.pointee.name) } ?? "?"
        return
            "\(cpu ?? "unknown CPU"); kernels \(isa), bf16 \(ck_bf16_native()), f16 \(ck_f16_native()), vnni \(ck_i8_native()), 12-bit \(ck_i16_native()); \(version); model \(size) bytes"
    }

    /// Passages of the lengths the embedder sees, the same on every machine.
    static let probe = [
        "A Pod is the smallest deployable unit of computing that you can create and manage in Kubernetes.",
        "Draining a node evicts its pods gracefully, respecting PodDisruptionBudgets, before maintenance such as a kernel upgrade or a reboot.",
        "The scheduler watches for newly created Pods that have no Node assigned. For every Pod that the scheduler discovers, the scheduler "
            + "becomes responsible for finding the best Node for that Pod to run on, taking into account resource requests, affinity and "
            + "anti-affinity rules, taints and tolerations, and the spreading of replicas across failure domains.",
        "def retry(fn, attempts=3):\n    for i in range(attempts):\n        try:\n            return fn()\n        except IOError:\n"
            + "            time.sleep(2 ** i)\n    raise RuntimeError('gave up')",
        "Persistent volumes outlive the pods that mount them. A claim asks for storage of a class and a size; the control plane binds it to "
            + "a volume that satisfies it, provisioning one dynamically when the storage class allows it, and the binding is exclusive.",
        "Retrieval-augmented generation fetches passages relevant to a question and gives them to the model with the question, so that the "
            + "answer can cite its sources and stay current without retraining. Chunking, embedding and ranking decide what the model sees, "
            + "and a token budget decides how much of it fits.",
    ]
}
