import CKuraKernels
import KuraTesting
import Testing

/// The int8 dot product against a query prepared in int16: exact integer sums, so every instruction set
/// must equal the scalar build bit for bit, for every length 1...1024 (rows padded as stored rows are);
/// the batch form must equal the pair form; and the result must approximate the float dot product.
struct Int16QueryTests {
    static var scalar: ck_kernels { ck_kernels_for(CK_ISA_SCALAR)!.pointee }
    static var all: [ck_kernels] {
        [CK_ISA_SCALAR, CK_ISA_AVX2, CK_ISA_AVX512, CK_ISA_NEON].compactMap { ck_kernels_for($0)?.pointee }
    }

    /// A 64-byte-strided int8 row of length n with random bytes in its padding, as the kernels may read it.
    static func row(_ n: Int, _ rng: inout SeededRandom) -> UnsafeMutablePointer<Int8> {
        let padded = (n + 63) / 64 * 64
        let p = UnsafeMutablePointer<Int8>.allocate(capacity: padded)
        for i in 0..<padded { p[i] = Int8(rng.int(-128...127)) }
        return p
    }

    static func prepare(_ q: [Float]) -> UnsafeMutableRawPointer {
        let p = UnsafeMutableRawPointer.allocate(byteCount: ck_i8q_bytes(q.count), alignment: 64)
        ck_i8q_prepare(q, q.count, p)
        return p
    }

    @Test func everyInstructionSetEqualsScalarExactly() {
        var rng = SeededRandom(seed: 11)
        for n in 1...1024 {
            let q = (0..<n).map { _ in rng.unit() * 3 }
            let x = Self.row(n, &rng)
            let p = Self.prepare(q)
            defer {
                x.deallocate()
                p.deallocate()
            }
            let want = Self.scalar.dot_i8q(p, x, 0.01, n)
            for k in Self.all { #expect(k.dot_i8q(p, x, 0.01, n) == want, "\(String(cString: k.name)) n=\(n)") }
            // Against the float product of the same int8 row: the int16 query costs well under 1e-4.
            let exact = (0..<n).reduce(Float(0)) { $0 + q[$1] * Float(x[$1]) } * 0.01
            let scale = (0..<n).reduce(Float(0)) { $0 + abs(q[$1] * Float(x[$1])) } * 0.01
            #expect(abs(want - exact) <= 1e-4 * max(scale, 1e-3), "n=\(n): \(want) against \(exact)")
        }
    }

    @Test func extremeQueriesDoNotOverflow() {
        for n in [1, 384, 4096] {
            let x = UnsafeMutablePointer<Int8>.allocate(capacity: (n + 63) / 64 * 64)
            defer { x.deallocate() }
            for i in 0..<((n + 63) / 64 * 64) { x[i] = -128 }
            for q in [[Float](repeating: -1e30, count: n), [Float](repeating: 5, count: n), [Float](repeating: 0, count: n)] {
                let p = Self.prepare(q)
                defer { p.deallocate() }
                let exact = q.reduce(Float(0)) { $0 + $1 * -128 }
                for k in Self.all {
                    let got = k.dot_i8q(p, x, 1, n)
                    let ok = got.isFinite && (exact == 0 ? got == 0 : abs(got - exact) <= 1e-3 * abs(exact))
                    #expect(ok, "\(String(cString: k.name)) n=\(n) q=\(q[0]): \(got) against \(exact)")
                }
            }
        }
    }

    @Test func batchEqualsPair() {
        var rng = SeededRandom(seed: 13)
        let n = 100, rows = 40, stride = 128
        let base = UnsafeMutablePointer<Int8>.allocate(capacity: rows * stride)
        defer { base.deallocate() }
        for i in 0..<(rows * stride) { base[i] = Int8(rng.int(-127...127)) }
        let scales = (0..<rows).map { _ in abs(rng.unit()) + 0.01 }
        let p = Self.prepare((0..<n).map { _ in rng.unit() })
        defer { p.deallocate() }
        let ids: [UInt32] = [5, 0, 39, 5, 17]
        for k in Self.all {
            var out = [Float](repeating: 0, count: ids.count)
            k.dot_i8q_batch(p.assumingMemoryBound(to: Float.self), base, stride, scales, ids, ids.count, n, &out)
            #expect(out == ids.map { k.dot_i8q(p, base + Int($0) * stride, scales[Int($0)], n) }, "\(String(cString: k.name))")
        }
    }
}
