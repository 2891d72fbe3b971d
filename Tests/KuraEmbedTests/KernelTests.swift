import CKuraKernels
import Foundation
import Testing

/// The polynomial erf and exp against libm, and each instruction set's GELU / softmax / LayerNorm
/// against the scalar build: the forward pass must not depend on the CPU beyond rounding.
@Suite(.serialized) struct NNKernelTests {
    @Test func erfIsWithinAFewUlpsOfLibm() {
        var worst: Float = 0
        var x: Float = -6
        while x <= 6 {
            worst = max(worst, abs(ck_erf(x) - erff(x)))
            x += 0.0007
        }
        #expect(worst < 4e-7, "max |erf error| \(worst)")
    }

    @Test func expIsWithinAFewUlpsOfLibm() {
        var worst: Float = 0
        var x: Float = -80
        while x <= 80 {
            let want = expf(x)
            worst = max(worst, abs(ck_exp(x) - want) / want)
            x += 0.0013
        }
        #expect(worst < 5e-7, "max relative exp error \(worst)")
        #expect(ck_exp(-1e30) == ck_exp(-87))
    }

    @Test func instructionSetsAgree() {
        var rng = SystemRandomNumberGenerator()
        let n = 1000
        let input = (0..<n).map { _ in Float.random(in: -8...8, using: &rng) }
        let gamma = (0..<100).map { _ in Float.random(in: 0.5...1.5, using: &rng) }
        let beta = (0..<100).map { _ in Float.random(in: -1...1, using: &rng) }
        func run() -> [Float] {
            var g = input
            ck_gelu_bias(&g, beta, 10, 100)
            var s = input
            ck_softmax_rows(&s, 10, 97, 100)
            var l = input
            ck_layernorm_rows(&l, beta, input, gamma, beta, 10, 100, 1e-12)
            // Attention over 31 tokens (a tail of 15 keys and of 1 query row in the AVX-512 kernel), head 32 wide,
            // with Q, K and V in [-2, 2] as the model's are.
            var a = [Float](repeating: 0, count: 31 * 32)
            var scratch = [Float](repeating: 0, count: ck_attention32_scratch(31))
            let qkv = input.map { $0 / 4 }
            qkv.withUnsafeBufferPointer { p in ck_attention32(p.baseAddress!, p.baseAddress! + 32, p.baseAddress! + 64, 30, 31, 0.2, &a, 32, &scratch) }
            return g + s + l + a
        }
        let original = ck_active()!.pointee.isa
        defer { _ = ck_select(original) }
        _ = ck_select(CK_ISA_SCALAR)
        let reference = run()
        for isa in [CK_ISA_AVX2, CK_ISA_AVX512, CK_ISA_NEON] where ck_select(isa) == 0 {
            let got = run()
            let worst = zip(got, reference).map { abs($0 - $1) / max(1, abs($1)) }.max() ?? 0
            #expect(worst < 1e-5, "isa \(isa.rawValue): max difference \(worst)")
        }
        // GELU's known values.
        var v: [Float] = [0, 1, -1, 3]
        ck_gelu_bias(&v, [0, 0, 0, 0], 1, 4)
        #expect(abs(v[1] - 0.841_344_7) < 1e-6 && abs(v[2] + 0.158_655_3) < 1e-6 && v[0] == 0 && abs(v[3] - 2.995_950) < 1e-5)
    }

    @Test(arguments: [1, 3, 5, 12, 64, 65, 130, 197])
    func attentionMatchesANaiveReference(n: Int) {
        let original = ck_active()!.pointee.isa
        defer { _ = ck_select(original) }
        for isa in [CK_ISA_AVX512, CK_ISA_AVX2, CK_ISA_NEON, CK_ISA_SCALAR] where ck_select(isa) == 0 {
            let worst = attentionError(n: n, ck_attention32, scratch: ck_attention32_scratch(n)).maxAbs
            #expect(worst < 1e-5, "isa \(isa.rawValue): max difference \(worst)")
        }
    }

    /// The 12-bit kernel against the same float reference: within 1e-3 relative (root mean square over the
    /// output, as bf16 rounding is), across odd lengths, key tails and the 128-key blocks of its P·V sums.
    @Test(arguments: [1, 2, 7, 16, 33, 130, 255, 257, 512])
    func attentionIn12BitIntegersIsCloseToFloat(n: Int) {
        let (maxAbs, relative) = attentionError(n: n, ck_attention32_i16, scratch: ck_attention32_i16_scratch(n))
        #expect(relative < 1e-3 && maxAbs < 1e-2, "relative rms \(relative), max difference \(maxAbs)")
    }

    /// Runs `attend` on random Q, K, V in [-2, 2] (rows `ld` apart, output 40 apart) and compares it with
    /// softmax(scale · Q Kᵀ) V computed naively: the largest difference and the relative root mean square.
    private func attentionError(
        n: Int,
        _ attend: (
            UnsafePointer<Float>?, UnsafePointer<Float>?, UnsafePointer<Float>?, Int, Int, Float, UnsafeMutablePointer<Float>?, Int,
            UnsafeMutablePointer<Float>?
        ) -> Void,
        scratch count: Int
    ) -> (maxAbs: Float, relative: Double) {
        var rng = SystemRandomNumberGenerator()
        let ld = 3 * 32 + 5
        let qkv = (0..<(n * ld)).map { _ in Float.random(in: -2...2, using: &rng) }
        var out = [Float](repeating: .nan, count: n * 40)
        var scratch = [Float](repeating: 0, count: count)
        let scale: Float = 0.17
        qkv.withUnsafeBufferPointer { p in
            let b = p.baseAddress!
            attend(b, b + 32, b + 64, ld, n, scale, &out, 40, &scratch)
        }
        var worst: Float = 0
        var (error, norm) = (0.0, 0.0)
        for i in 0..<n {
            let scores = (0..<n).map { j in (0..<32).reduce(Float(0)) { $0 + qkv[i * ld + $1] * qkv[j * ld + 32 + $1] } * scale }
            let m = scores.max()!
            let e = scores.map { expf($0 - m) }
            let sum = e.reduce(0, +)
            for c in 0..<32 {
                let want = (0..<n).reduce(Float(0)) { $0 + e[$1] / sum * qkv[$1 * ld + 64 + c] }
                worst = max(worst, abs(out[i * 40 + c] - want))
                error += Double(out[i * 40 + c] - want) * Double(out[i * 40 + c] - want)
                norm += Double(want) * Double(want)
            }
        }
        return (worst, (error / max(norm, 1e-30)).squareRoot())
    }
}
