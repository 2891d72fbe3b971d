import CKuraKernels
import KuraCore

/// The distance kernels in use, chosen once at start-up by CPU detection (see `kura_kernels.h`).
public enum Kernels {
    /// The name of the active instruction set: `avx512`, `avx2`, `neon` or `scalar`.
    public static var activeName: String { String(cString: ck_active().pointee.name) }

    /// Names of the instruction sets this CPU can run.
    public static var available: [String] {
        [CK_ISA_SCALAR, CK_ISA_AVX2, CK_ISA_AVX512, CK_ISA_NEON].compactMap { isa in
            ck_kernels_for(isa).map { String(cString: $0.pointee.name) }
        }
    }
}

/// Bytes per stored row: rows start on 64-byte boundaries so that each begins a cache line.
@inline(__always)
func rowStride(dimension: Int, encoding: VectorEncoding) -> Int {
    (dimension * encoding.bytesPerComponent + 63) & ~63
}

extension Metric {
    /// Converts an internal distance (see ``DistanceKernel``) to the distance callers see:
    /// `1 - cos` for cosine, `-dot` for inner product, squared L2 for l2.
    @inline(__always)
    func publicDistance(_ d: Float) -> Float {
        self == .cosine ? 1 + d : d
    }
}
