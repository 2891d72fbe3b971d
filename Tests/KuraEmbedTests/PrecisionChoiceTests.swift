import CKuraKernels
import Foundation
import Testing

@testable import KuraEmbed

/// The embedder's precision is chosen by measurement: the fastest that agrees with float, measured
/// once per machine and cached in the data directory, unless one is asked for.
@Suite struct PrecisionChoiceTests {
    typealias Trial = PrecisionChoice.Trial

    @Test func theFastestThatAgreesWithFloatIsKept() {
        let f32 = Trial(precision: "f32", tokensPerSecond: 3000, meanCosine: 1)
        let bf16 = Trial(precision: "bf16", tokensPerSecond: 5000, meanCosine: 0.99999)
        let int8 = Trial(precision: "int8", tokensPerSecond: 7000, meanCosine: 0.998)
        #expect(PrecisionChoice.decide([f32, bf16, int8]).0 == "bf16")
        let (slow, why) = PrecisionChoice.decide([f32, Trial(precision: "bf16", tokensPerSecond: 2500, meanCosine: 1), int8])
        #expect(slow == "f32")
        #expect(why.contains("int8 7000 tokens/s but mean cosine 0.99800 to float: not kept") && why.contains("bf16 2500 tokens/s"))
        #expect(PrecisionChoice.decide([f32]).0 == "f32")
    }

    /// Speeds within 5% are closer than the probe's timing can tell apart: the closer to float is kept.
    @Test func ofTwoAsFastTheCloserToFloatIsKept() {
        let f32 = Trial(precision: "f32", tokensPerSecond: 3000, meanCosine: 1)
        let bf16 = Trial(precision: "bf16", tokensPerSecond: 7000, meanCosine: 0.99999)
        #expect(PrecisionChoice.decide([f32, bf16, Trial(precision: "int16", tokensPerSecond: 6800, meanCosine: 0.999999)]).0 == "int16")
        #expect(PrecisionChoice.decide([f32, bf16, Trial(precision: "int16", tokensPerSecond: 6500, meanCosine: 0.999999)]).0 == "bf16")
        #expect(PrecisionChoice.decide([Trial(precision: "f32", tokensPerSecond: 6900, meanCosine: 1), bf16]).0 == "f32")
    }

    @Test func measuredOnceAndCachedUnlessAsked() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("kura-precision-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let model = ModelFiles.modelDirectory
        try #require(FileManager.default.fileExists(atPath: model.appendingPathComponent("model.safetensors").path), "run `make model`")
        let first = try PrecisionChoice.choose(modelDirectory: model, cacheDirectory: dir, environment: [:])
        guard PrecisionChoice.candidates.count > 1 else {
            #expect(first.chosen == .f32 && first.trials.isEmpty, "a CPU that runs float alone has nothing to measure")
            return
        }
        #expect(first.trials.map(\.precision) == PrecisionChoice.candidates.map(\.rawValue))
        #expect(first.trials.allSatisfy { $0.tokensPerSecond > 0 } && abs(first.trials[0].meanCosine - 1) < 1e-5)
        let path = "\(dir)/\(PrecisionChoice.cacheFile)"
        #expect(FileManager.default.fileExists(atPath: path))
        // A second start reads the cache (a measurement would give other timings).
        #expect(try PrecisionChoice.choose(modelDirectory: model, cacheDirectory: dir, environment: [:]) == first)
        // A cache made on another machine is measured again.
        var stale = first
        stale.key = "another CPU"
        stale.trials = []
        try JSONEncoder().encode(stale).write(to: URL(fileURLWithPath: path))
        #expect(try PrecisionChoice.choose(modelDirectory: model, cacheDirectory: dir, environment: [:]).trials.count == first.trials.count)
        // Asked for: taken as asked, nothing measured.
        let asked = try PrecisionChoice.choose(modelDirectory: model, cacheDirectory: nil, environment: ["KURA_MINILM_PRECISION": "f32"])
        #expect(asked.chosen == .f32 && asked.trials.isEmpty && asked.reason.contains("asked for"))
    }
}
