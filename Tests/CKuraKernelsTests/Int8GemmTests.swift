import CKuraKernels
import KuraTesting
import Testing

/// The int8 product: the shapes it takes, the reference against the product of the dequantised operands
/// written out in double, and the AVX512-VNNI kernel (with its vector quantisation) bit-exact against
/// the scalar reference: both sum the same integers exactly.
@Suite struct Int8GemmTests {
    @Test func shapes() {
        #expect(ck_i8_packed_count(32, 4) == 128)
        #expect(ck_i8_packed_count(30, 4) == 0, "outputs must come in blocks of 32")
        #expect(ck_i8_packed_count(32, 6) == 0, "inputs must come in fours")
    }

    @Test(arguments: [(1, 4, 32), (5, 36, 64), (13, 384, 32), (97, 64, 96), (200, 1536, 64)])
    func matchesTheDequantisedProductAndTheReference(shape: (m: Int, k: Int, n: Int)) {
        let (m, k, n) = shape
        var x = SeededRandom.vectors(m, k, seed: UInt64(m * 1000 + k)).map { $0 * 3 }
        for p in 0..<k { x[p] = 0 }  // a row of zeros has scale 0
        let w = SeededRandom.vectors(n, k, seed: UInt64(n * 7 + k))
        let bias = (0..<n).map { Float($0) / 8 }
        var packed = [Int8](repeating: 0, count: ck_i8_packed_count(n, k))
        var scales = [Float](repeating: 0, count: n), sums = [Int32](repeating: 0, count: n)
        ck_i8_pack(w, n, k, &packed, &scales, &sums)
        var scratch = [UInt8](repeating: 0, count: m * k), rowScales = [Float](repeating: 0, count: m)
        var reference = [Float](repeating: 0, count: m * n)
        ck_i8_gemm_reference(x, m, k, packed, scales, sums, bias, n, &reference, &scratch, &rowScales)
        var y = [Float](repeating: .nan, count: m * n)
        ck_i8_gemm(x, m, k, packed, scales, sums, bias, n, &y, &scratch, &rowScales)
        let want = QuantizedProduct.dequantised(x, m, k, w, n, levels: 127)
        var worst = 0.0
        for i in 0..<m { for j in 0..<n { worst = max(worst, abs(Double(reference[i * n + j]) - Double(bias[j]) - want[i * n + j]) / Double(k)) } }
        #expect(worst < 1e-6, "reference against the dequantised product: \(worst)")
        let kernel = ck_i8_native() != 0 ? "the AVX512-VNNI kernel" : "the fallback"
        #expect(y == reference, "\(kernel) differs from the scalar reference")
        #expect((0..<n).allSatisfy { reference[$0] == bias[$0] }, "a row of zeros gives the bias")
    }
}
