import CKuraKernels
import KuraTesting
import Testing

/// The 12-bit product: the shapes it takes, the reference against the product of the dequantised operands
/// written out in double, and the AVX512-VNNI and AVX2 kernels (with their vector quantisation) bit-exact
/// against the scalar reference: all sum the same integers exactly per block of 128 inputs, and the blocks in
/// the same order.
@Suite(.serialized) struct Int16GemmTests {
    @Test func shapes() {
        #expect(ck_i16_packed_count(32, 2) == 64)
        #expect(ck_i16_packed_count(30, 4) == 0, "outputs must come in blocks of 32")
        #expect(ck_i16_packed_count(32, 3) == 0, "inputs must come in pairs")
    }

    /// y = x · Wᵀ + bias by `gemm` (the dispatching product or the reference), W packed first.
    static func product(
        _ x: [Float], _ m: Int, _ k: Int, _ w: [Float], _ n: Int, bias: [Float]?,
        _ gemm: (
            UnsafePointer<Float>?, Int, Int, UnsafePointer<Int16>?, UnsafePointer<Float>?, UnsafePointer<Float>?, Int,
            UnsafeMutablePointer<Float>?, UnsafeMutablePointer<Int16>?, UnsafeMutablePointer<Float>?
        ) -> Void = ck_i16_gemm
    ) -> [Float] {
        var packed = [Int16](repeating: 0, count: ck_i16_packed_count(n, k))
        var scales = [Float](repeating: 0, count: n)
        ck_i16_pack(w, n, k, &packed, &scales)
        var scratch = [Int16](repeating: 0, count: m * k), rowScales = [Float](repeating: 0, count: m)
        var y = [Float](repeating: .nan, count: m * n)
        gemm(x, m, k, packed, scales, bias, n, &y, &scratch, &rowScales)
        return y
    }

    /// Shapes with one block of inputs, a partial last block (36, 200) and many (1536); rows below, at and
    /// above the kernel's 6-row and 96-row blocks.
    @Test(arguments: [(1, 2, 32), (5, 36, 64), (13, 384, 32), (97, 200, 96), (200, 1536, 64)])
    func matchesTheDequantisedProductAndTheReference(shape: (m: Int, k: Int, n: Int)) {
        let (m, k, n) = shape
        var x = SeededRandom.vectors(m, k, seed: UInt64(m * 1000 + k)).map { $0 * 3 }
        for p in 0..<k { x[p] = 0 }  // a row of zeros has scale 0
        if m > 1 { x[k] = 1e4 }  // an outlier: the rest of its row keeps 12 bits of its range
        let w = SeededRandom.vectors(n, k, seed: UInt64(n * 7 + k))
        let bias = (0..<n).map { Float($0) / 8 }
        let reference = Self.product(x, m, k, w, n, bias: bias, ck_i16_gemm_reference)
        let want = QuantizedProduct.dequantised(x, m, k, w, n, levels: 4095)
        var worst = 0.0
        for i in 0..<m {
            let top = Double((0..<k).map { abs(x[i * k + $0]) }.max()!)
            for j in 0..<n { worst = max(worst, abs(Double(reference[i * n + j]) - Double(bias[j]) - want[i * n + j]) / (Double(k) * max(top, 1))) }
        }
        // Float rounding of the block sums and scales, relative to k · the row's largest input: a packing or
        // pairing mistake is off by the products' own size, 1e-2 and up.
        #expect(worst < 1e-5, "reference against the dequantised product: \(worst)")
        // Each kernel this CPU runs (AVX512-VNNI, AVX2), picked through the active kernel set.
        let original = ck_active()!.pointee.isa
        defer { _ = ck_select(original) }
        for isa in [CK_ISA_AVX512, CK_ISA_AVX2, CK_ISA_SCALAR] where ck_select(isa) == 0 {
            let kernel = ck_i16_vnni() != 0 ? "the AVX512-VNNI kernel" : ck_i16_native() != 0 ? "the AVX2 kernel" : "the fallback"
            #expect(Self.product(x, m, k, w, n, bias: bias) == reference, "\(kernel) differs from the scalar reference")
        }
        #expect((0..<n).allSatisfy { reference[$0] == bias[$0] }, "a row of zeros gives the bias")
    }

    /// Inputs and weights all at the top of their range: every block's int32 sum is as large as it gets
    /// (128 · 4095²) and must not wrap.
    @Test func theLargestBlockSumsDoNotOverflow() {
        let (m, k, n) = (3, 1536, 32)
        let x = [Float](repeating: -2, count: m * k), w = [Float](repeating: -0.5, count: n * k)
        let original = ck_active()!.pointee.isa
        defer { _ = ck_select(original) }
        for isa in [CK_ISA_AVX512, CK_ISA_AVX2] where ck_select(isa) == 0 {
            if isa == CK_ISA_AVX2 {  // KURA_KERNELS=avx2 runs the embedder as a CPU without AVX-512 would
                #expect(ck_i16_vnni() == 0 && ck_i8_native() == 0 && ck_bf16_native() == 0 && ck_f16_native() == 0)
                #expect(ck_i16_native() != 0, "the AVX2 kernel is native wherever AVX2 is")
            }
            let y = Self.product(x, m, k, w, n, bias: nil)
            #expect(y.allSatisfy { abs($0 - Float(k)) <= Float(k) * 1e-6 }, "isa \(isa.rawValue): got \(y[0]), want \(k)")
        }
    }
}
