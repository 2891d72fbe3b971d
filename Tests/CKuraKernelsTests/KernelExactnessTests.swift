import CKuraKernels
import KuraTesting
import Testing

/// Every SIMD kernel against the scalar reference: bit-exact on integer-valued data (where any summation
/// order is exact), for every dimension 1...1024 so that every tail length is covered, and within a
/// tolerance on random data.
struct KernelExactnessTests {
    static var scalar: ck_kernels { ck_kernels_for(CK_ISA_SCALAR)!.pointee }
    static var simd: [ck_kernels] {
        [CK_ISA_AVX2, CK_ISA_AVX512, CK_ISA_NEON].compactMap { ck_kernels_for($0)?.pointee }
    }

    @Test func simdKernelsExist() {
        #if arch(x86_64) || arch(arm64)
            #expect(!Self.simd.isEmpty, "no SIMD kernels available on this CPU")
        #endif
    }

    @Test func integerDataMatchesScalarExactly() {
        var rng = SeededRandom(seed: 1)
        for k in Self.simd {
            for n in 1...1024 {
                let q = (0..<n).map { _ in Float(rng.int(-8...8)) }
                let x = (0..<n).map { _ in Float(rng.int(-8...8)) }
                var h = [UInt16](repeating: 0, count: n)
                ck_f32_to_f16(x, &h, n)
                let b = (0..<n).map { _ in Int8(rng.int(-100...100)) }
                let s = Self.scalar
                let name = String(cString: k.name)
                #expect(k.dot_f32(q, x, n) == s.dot_f32(q, x, n), "\(name) dot_f32 n=\(n)")
                #expect(k.l2sq_f32(q, x, n) == s.l2sq_f32(q, x, n), "\(name) l2sq_f32 n=\(n)")
                #expect(k.cos_f32(q, x, n) == s.cos_f32(q, x, n), "\(name) cos_f32 n=\(n)")
                #expect(k.dot_f16(q, h, n) == s.dot_f16(q, h, n), "\(name) dot_f16 n=\(n)")
                #expect(k.l2sq_f16(q, h, n) == s.l2sq_f16(q, h, n), "\(name) l2sq_f16 n=\(n)")
                #expect(k.cos_f16(q, h, n) == s.cos_f16(q, h, n), "\(name) cos_f16 n=\(n)")
                for scale: Float in [1, 0.5] {
                    #expect(k.dot_i8(q, b, scale, n) == s.dot_i8(q, b, scale, n), "\(name) dot_i8 n=\(n)")
                    #expect(k.l2sq_i8(q, b, scale, n) == s.l2sq_i8(q, b, scale, n), "\(name) l2sq_i8 n=\(n)")
                    #expect(k.cos_i8(q, b, scale, n) == s.cos_i8(q, b, scale, n), "\(name) cos_i8 n=\(n)")
                }
            }
        }
    }

    @Test func randomDataMatchesWithinTolerance() {
        var rng = SeededRandom(seed: 2)
        func close(_ a: Float, _ b: Float, _ scale: Float) -> Bool { abs(a - b) <= 1e-5 * max(scale, 1) }
        for k in Self.simd {
            for n in [1, 7, 16, 33, 100, 384, 768, 1000, 1024] {
                let q = (0..<n).map { _ in rng.unit() }
                let x = (0..<n).map { _ in rng.unit() }
                var h = [UInt16](repeating: 0, count: n)
                ck_f32_to_f16(x, &h, n)
                let b = (0..<n).map { _ in Int8(rng.int(-127...127)) }
                let s = Self.scalar
                let mag = Float(n)
                #expect(close(k.dot_f32(q, x, n), s.dot_f32(q, x, n), mag))
                #expect(close(k.l2sq_f32(q, x, n), s.l2sq_f32(q, x, n), mag))
                #expect(close(k.cos_f32(q, x, n), s.cos_f32(q, x, n), 1))
                #expect(close(k.dot_f16(q, h, n), s.dot_f16(q, h, n), mag))
                #expect(close(k.l2sq_f16(q, h, n), s.l2sq_f16(q, h, n), mag))
                #expect(close(k.cos_f16(q, h, n), s.cos_f16(q, h, n), 1))
                #expect(close(k.dot_i8(q, b, 0.01, n), s.dot_i8(q, b, 0.01, n), mag))
                #expect(close(k.l2sq_i8(q, b, 0.01, n), s.l2sq_i8(q, b, 0.01, n), mag))
                #expect(close(k.cos_i8(q, b, 0.01, n), s.cos_i8(q, b, 0.01, n), 1))
            }
        }
    }

    @Test func scalarReferenceIsRight() {
        let q: [Float] = [1, 2, 3], x: [Float] = [4, -5, 6]
        let s = Self.scalar
        #expect(s.dot_f32(q, x, 3) == 12)
        #expect(s.l2sq_f32(q, x, 3) == 9 + 49 + 9)
        let expected = Float(12 / (14.0.squareRoot() * 77.0.squareRoot()))
        #expect(abs(s.cos_f32(q, x, 3) - expected) < 1e-6)
        #expect(s.cos_f32(q, [0, 0, 0], 3) == 0)
        let b: [Int8] = [2, -2, 1]
        #expect(s.dot_i8(q, b, 0.5, 3) == Float(0.5))
    }

    @Test func batchKernelsMatchPairKernels() {
        var rng = SeededRandom(seed: 3)
        let n = 100, rows = 50, stride = 512
        let f32 = UnsafeMutableRawPointer.allocate(byteCount: rows * stride, alignment: 64)
        let f16 = UnsafeMutableRawPointer.allocate(byteCount: rows * stride, alignment: 64)
        let i8 = UnsafeMutableRawPointer.allocate(byteCount: rows * stride, alignment: 64)
        defer { for p in [f32, f16, i8] { p.deallocate() } }
        let q = (0..<n).map { _ in rng.unit() }
        let scales = (0..<rows).map { _ in abs(rng.unit()) + 0.01 }
        for r in 0..<rows {
            let row = (0..<n).map { _ in rng.unit() }
            (f32 + r * stride).copyMemory(from: row, byteCount: 4 * n)
            ck_f32_to_f16(row, (f16 + r * stride).assumingMemoryBound(to: UInt16.self), n)
            for i in 0..<n { (i8 + r * stride).storeBytes(of: Int8(rng.int(-127...127)), toByteOffset: i, as: Int8.self) }
        }
        let ids: [UInt32] = [7, 3, 49, 0, 0, 12, 30, 31]
        for k in [Self.scalar] + Self.simd {
            func check(_ batch: ck_batch_fn, _ base: UnsafeMutableRawPointer, _ pair: (UnsafeRawPointer, UInt32) -> Float) {
                var out = [Float](repeating: 0, count: ids.count)
                batch(q, base, stride, scales, ids, ids.count, n, &out)
                #expect(out == ids.map { pair(base + Int($0) * stride, $0) }, "\(String(cString: k.name))")
            }
            check(k.dot_f32_batch, f32) { p, _ in k.dot_f32(q, p.assumingMemoryBound(to: Float.self), n) }
            check(k.l2sq_f32_batch, f32) { p, _ in k.l2sq_f32(q, p.assumingMemoryBound(to: Float.self), n) }
            check(k.dot_f16_batch, f16) { p, _ in k.dot_f16(q, p.assumingMemoryBound(to: UInt16.self), n) }
            check(k.l2sq_f16_batch, f16) { p, _ in k.l2sq_f16(q, p.assumingMemoryBound(to: UInt16.self), n) }
            check(k.dot_i8_batch, i8) { k.dot_i8(q, $0.assumingMemoryBound(to: Int8.self), scales[Int($1)], n) }
            check(k.l2sq_i8_batch, i8) { k.l2sq_i8(q, $0.assumingMemoryBound(to: Int8.self), scales[Int($1)], n) }
        }
    }

    /// Names as KURA_KERNELS gives them. Only re-selecting the active set is tried here: tests in other
    /// suites run meanwhile, and switching kernels under them would change their floating-point results.
    @Test func selectionByName() {
        #expect(ck_isa_named("scalar") == Int32(CK_ISA_SCALAR.rawValue))
        #expect(ck_isa_named("avx2") == Int32(CK_ISA_AVX2.rawValue))
        #expect(ck_isa_named("avx512") == Int32(CK_ISA_AVX512.rawValue))
        #expect(ck_isa_named("neon") == Int32(CK_ISA_NEON.rawValue))
        #expect(ck_isa_named("sse9") == -1)
        let active = ck_active().pointee
        #expect(ck_select_name(active.name) == 0)
        #expect(ck_active().pointee.isa == active.isa)
        #expect(ck_select(active.isa) == 0)
        #if arch(x86_64)
            #expect(ck_kernels_for(CK_ISA_NEON) == nil, "NEON is never offered on x86-64")
        #endif
    }

    @Test func halfConversion() {
        let f: [Float] = [0, -0.0, 1, -2, 65504, 1e-7, 0.1, .infinity, 1 + 1.0 / 2048, 1 + 3.0 / 2048, 70000]
        var h = [UInt16](repeating: 0, count: f.count)
        ck_f32_to_f16(f, &h, f.count)
        #expect(Array(h[0..<5]) == [0x0000, 0x8000, 0x3C00, 0xC000, 0x7BFF])
        #expect(h[5] == 0x0002)  // subnormal: 1e-7 / 2^-24 = 1.68 → 2
        #expect(h[6] == 0x2E66)
        #expect(h[7] == 0x7C00)
        #expect(h[8] == 0x3C00)  // halfway, rounds to even
        #expect(h[9] == 0x3C02)  // halfway, rounds to even (up)
        #expect(h[10] == 0x7C00)  // overflow
        var back = [Float](repeating: 0, count: f.count)
        ck_f16_to_f32(h, &back, f.count)
        #expect([back[2], back[4], back[7]] == [1, 65504, .infinity])
        var nan: UInt16 = 0
        var nanIn = Float.nan
        ck_f32_to_f16(&nanIn, &nan, 1)
        #expect(nan & 0x7C00 == 0x7C00 && nan & 0x3FF != 0)
    }

    @Test func crc32cKnownValues() {
        let s = Array("123456789".utf8)
        #expect(ck_crc32c(0, s, s.count) == 0xE306_9283)
        let long = (0..<1000).map { UInt8(truncatingIfNeeded: $0 &* 31) }
        let whole = ck_crc32c(0, long, long.count)
        let split = long.withUnsafeBufferPointer { p in ck_crc32c(ck_crc32c(0, p.baseAddress, 333), p.baseAddress! + 333, 667) }
        #expect(whole == split)
        #expect(ck_crc32c(0, [UInt8](), 0) == 0)
    }
}
