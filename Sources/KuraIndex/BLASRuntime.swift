import COpenBLAS

/// Facts about the OpenBLAS library in use, and a guard on its kernel choice.
public enum BLASRuntime {
    /// The core OpenBLAS picked at load time, e.g. `SkylakeX`, `Haswell`, `Prescott`.
    public static var coreName: String { openblas_get_corename().map { String(cString: $0) } ?? "unknown" }

    /// Threads OpenBLAS uses per call.
    public static var threads: Int { Int(openblas_get_num_threads()) }

    /// Sets OpenBLAS's threads per call (at least 1) for the whole process.
    public static func setThreads(_ n: Int) { openblas_set_num_threads(Int32(max(1, n))) }

    /// Cores that OpenBLAS falls back to when it does not recognise a CPU; they use SSE kernels only.
    static let legacyCores: Set<String> = [
        "Prescott", "Core2", "Penryn", "Dunnington", "Nehalem", "Atom", "Katmai", "Coppermine", "Northwood", "Banias", "Athlon", "Opteron", "Opteron_SSE3",
        "Barcelona", "Nano", "Unknown", "unknown",
    ]

    /// The `OPENBLAS_CORETYPE` worth setting when OpenBLAS chose a legacy core on a CPU with AVX2 or
    /// AVX-512, or nil when its choice is fine. Callers re-execute with it set (the library reads it
    /// only at load time) and always respect a value the user already set.
    public static func suggestedCoreType(environment: [String: String], coreName: String = coreName, kernels: [String] = Kernels.available) -> String? {
        guard environment["OPENBLAS_CORETYPE"] == nil, legacyCores.contains(coreName) else { return nil }
        if kernels.contains("avx512") { return "SkylakeX" }
        if kernels.contains("avx2") { return "Haswell" }
        return nil
    }

    /// Multiplies a small random problem with sgemm and with the scalar kernels; false when they
    /// disagree, which means the chosen OpenBLAS core computes wrong results on this CPU.
    public static func selfTest() -> Bool {
        let m = 7, n = 33, k = 70
        var seed: UInt32 = 12345
        func next() -> Float {
            seed = seed &* 1_664_525 &+ 1_013_904_223
            return Float(Int(seed >> 9) % 17 - 8)
        }
        let a = (0..<(m * k)).map { _ in next() }
        let b = (0..<(n * k)).map { _ in next() }
        var c = [Float](repeating: 0, count: m * n)
        cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasTrans, Int32(m), Int32(n), Int32(k), 1, a, Int32(k), b, Int32(k), 0, &c, Int32(n))
        for i in 0..<m {
            for j in 0..<n {
                var s: Float = 0
                for t in 0..<k { s += a[i * k + t] * b[j * k + t] }
                if s != c[i * n + j] { return false }
            }
        }
        return true
    }
}
