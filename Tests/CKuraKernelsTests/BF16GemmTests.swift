import CKuraKernels
import KuraTesting
import Testing

/// The bf16 product: rounding to nearest even, the packed layout against a plain triple loop, and the
/// AVX512-BF16 kernel bit-exact against the scalar reference (bf16 products are exact in float, so the
/// same order of additions gives the same bits), over shapes that leave every row remainder.
struct BF16GemmTests {
    static func bits(_ x: Float) -> UInt16 { UInt16(x.bitPattern >> 16) }

    @Test func roundsToNearestEven() {
        #expect(ck_bf16_round(1.0) == Self.bits(1.0))
        // 1 + 2^-8 is halfway between 1 and 1 + 2^-7: ties go to the even mantissa, 1.
        #expect(ck_bf16_round(1 + 0x1p-8) == Self.bits(1.0))
        // 1 + 3·2^-8 is halfway between 1 + 2^-7 and 1 + 2^-6: the even one is 1 + 2^-6.
        #expect(ck_bf16_round(1 + 3 * 0x1p-8) == Self.bits(1 + 0x1p-6))
        #expect(ck_bf16_round(1 + 0x1p-8 + 0x1p-16) == Self.bits(1 + 0x1p-7))
        #expect(ck_bf16_round(-2.5) == Self.bits(-2.5))
        let nan = ck_bf16_round(.nan)
        #expect(Float(bitPattern: UInt32(nan) << 16).isNaN)
        #expect(ck_bf16_packed_count(30, 4) == 0, "outputs must come in blocks of 32")
        #expect(ck_bf16_packed_count(32, 3) == 0, "inputs must come in pairs")
    }

    /// y = x · Wᵀ in double from the bf16-rounded operands: what the packed product must equal up to
    /// float rounding of the sums.
    static func plain(_ x: [Float], _ m: Int, _ k: Int, _ w: [Float], _ n: Int) -> [Double] {
        func r(_ v: Float) -> Double { Double(Float(bitPattern: UInt32(ck_bf16_round(v)) << 16)) }
        var y = [Double](repeating: 0, count: m * n)
        for i in 0..<m { for j in 0..<n { for p in 0..<k { y[i * n + j] += r(x[i * k + p]) * r(w[j * k + p]) } } }
        return y
    }

    @Test(arguments: [(1, 2, 32), (5, 6, 64), (13, 384, 32), (97, 64, 96), (200, 38, 160)])
    func matchesThePlainProductAndTheReference(shape: (m: Int, k: Int, n: Int)) {
        let (m, k, n) = shape
        let x = SeededRandom.vectors(m, k, seed: UInt64(m * 1000 + k)).map { $0 * 3 }
        let w = SeededRandom.vectors(n, k, seed: UInt64(n * 7 + k))
        var packed = [UInt16](repeating: 0, count: ck_bf16_packed_count(n, k))
        ck_bf16_pack(w, n, k, &packed)
        var scratch = [UInt16](repeating: 0, count: m * k)
        var reference = [Float](repeating: 0, count: m * n)
        ck_bf16_gemm_reference(x, m, k, packed, n, &reference, &scratch)
        var y = [Float](repeating: .nan, count: m * n)
        ck_bf16_gemm(x, m, k, packed, n, &y, &scratch)
        let want = Self.plain(x, m, k, w, n)
        let scale = Double(k) * 3
        var worst = 0.0
        for i in 0..<(m * n) { worst = max(worst, abs(Double(reference[i]) - want[i]) / scale) }
        #expect(worst < 1e-6, "reference against the plain product: \(worst)")
        let kernel = ck_bf16_native() != 0 ? "the AVX512-BF16 kernel" : "the fallback"
        #expect(y == reference, "\(kernel) differs from the scalar reference")
    }
}
