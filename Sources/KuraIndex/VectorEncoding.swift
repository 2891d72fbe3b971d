import CKuraKernels
import KuraCore

/// How stored rows are encoded for graph traversal.
public enum VectorEncoding: String, Sendable, CaseIterable {
    case f32, f16, int8

    var code: UInt32 {
        switch self {
        case .f32: 1
        case .f16: 2
        case .int8: 3
        }
    }

    init?(code: UInt32) {
        guard let e = VectorEncoding.allCases.first(where: { $0.code == code }) else { return nil }
        self = e
    }

    var bytesPerComponent: Int {
        switch self {
        case .f32: 4
        case .f16: 2
        case .int8: 1
        }
    }
}
