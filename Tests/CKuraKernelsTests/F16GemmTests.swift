import CKuraKernels
import KuraTesting
import Testing

/// The binary16 product (with a bias): the packed layout and the partial sums against a plain product in double of the
/// rounded operands, and the AVX512-FP16 kernel against the scalar reference, over shapes that leave every
/// row remainder and a last run of pairs shorter than the others (k/2 not a multiple of CK_F16_RUN).
struct F16GemmTests {
    static func half(_ v: Float) -> Double {
        var h: UInt16 = 0
        var f = v
        ck_f32_to_f16(&f, &h, 1)
        var back: Float = 0
        ck_f16_to_f32(&h, &back, 1)
        return Double(back)
    }

    static func plain(_ x: [Float], _ m: Int, _ k: Int, _ w: [Float], _ n: Int) -> [Double] {
        var y = [Double](repeating: 0, count: m * n)
        for i in 0..<m { for j in 0..<n { for p in 0..<k { y[i * n + j] += half(x[i * k + p]) * half(w[j * k + p]) } } }
        return y
    }

    @Test func shapesComeInBlocksAndPairs() {
        #expect(ck_f16_packed_count(30, 4) == 0, "outputs must come in blocks of 32")
        #expect(ck_f16_packed_count(32, 3) == 0, "inputs must come in pairs")
        #expect(ck_f16_packed_count(64, 384) == 64 * 384)
    }

    @Test(arguments: [(1, 2, 32), (5, 6, 64), (13, 384, 32), (97, 64, 96), (200, 38, 160), (7, 1536, 32)])
    func matchesThePlainProductAndTheReference(shape: (m: Int, k: Int, n: Int)) {
        let (m, k, n) = shape
        let x = SeededRandom.vectors(m, k, seed: UInt64(m * 1000 + k)).map { $0 * 3 }
        let w = SeededRandom.vectors(n, k, seed: UInt64(n * 7 + k))
        var packed = [UInt16](repeating: 0, count: ck_f16_packed_count(n, k))
        ck_f16_pack(w, n, k, &packed)
        var scratch = [UInt16](repeating: 0, count: m * k)
        var reference = [Float](repeating: 0, count: m * n)
        let bias = (0..<n).map { Float($0 % 7) - 3 }
        ck_f16_gemm_reference(x, m, k, packed, bias, n, &reference, &scratch)
        var y = [Float](repeating: .nan, count: m * n)
        ck_f16_gemm(x, m, k, packed, bias, n, &y, &scratch)
        let want = Self.plain(x, m, k, w, n).enumerated().map { $1 + Double(bias[$0 % n]) }
        // Partial sums in binary16 round each step to 11 bits of the partial sum's magnitude; the errors
        // are random, so they grow as √k (with |x| ≤ 3 and |w| ≤ 1 here, about 0.05 · √(k / 384)).
        let bound = 3 * 0x1p-9 * Double(k).squareRoot() + 1e-6
        var worstReference = 0.0, worstKernel = 0.0
        for i in 0..<(m * n) {
            worstReference = max(worstReference, abs(Double(reference[i]) - want[i]))
            worstKernel = max(worstKernel, abs(Double(y[i]) - Double(reference[i])))
        }
        #expect(worstReference < bound, "reference against the plain product: \(worstReference)")
        let kernel = ck_f16_native() != 0 ? "the AVX512-FP16 kernel" : "the fallback"
        // The kernel rounds each multiply-add once, the reference (float, then binary16) at most twice: a
        // step may land one binary16 ulp apart, and the partial sums go on from there.
        #expect(worstKernel <= bound / 2, "\(kernel) against the scalar reference: \(worstKernel)")
        let finite = y.allSatisfy { $0.isFinite }
        #expect(finite)
    }
}
