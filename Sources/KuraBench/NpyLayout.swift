import CKuraKernels
import KuraCore

/// Where a numpy `.npy` file (version 1–3, 2-D, C order, little-endian float16 or float32) keeps its rows.
/// Parsing checks that the data the header promises is all there.
struct NpyLayout {
    let rows: Int
    let dimension: Int
    /// Byte offset of row 0.
    let body: Int
    /// Whether values are float16 (else float32).
    let half: Bool

    /// - Throws: `KuraError.corruptFile` for anything but a complete 2-D `<f2` or `<f4` array in C order.
    init(_ p: UnsafeRawBufferPointer, path: String) throws {
        func fail(_ why: String) -> KuraError { .corruptFile(path: path, reason: why) }
        guard p.count >= 10, Array(p[0..<6]) == [0x93] + Array("NUMPY".utf8) else { throw fail("not a .npy file") }
        let headerLen: Int
        let start: Int
        switch p[6] {
        case 1:
            headerLen = Int(UInt16(littleEndian: p.loadUnaligned(fromByteOffset: 8, as: UInt16.self)))
            start = 10
        case 2, 3:
            guard p.count >= 12 else { throw fail("truncated header") }
            headerLen = Int(UInt32(littleEndian: p.loadUnaligned(fromByteOffset: 8, as: UInt32.self)))
            start = 12
        default: throw fail("unsupported .npy version \(p[6])")
        }
        guard start + headerLen <= p.count, let header = String(bytes: p[start..<(start + headerLen)], encoding: .utf8) else {
            throw fail("truncated header")
        }
        let (descr, fortran, shape) = try VectorFiles.parseNpyHeader(header, fail)
        guard !fortran else { throw fail("Fortran-order arrays are not supported") }
        guard shape.count == 2 else { throw fail("expected a 2-D array, got shape \(shape)") }
        switch descr {
        case "<f4": half = false
        case "<f2": half = true
        default: throw fail("unsupported dtype \(descr); use <f2 or <f4")
        }
        (rows, dimension, body) = (shape[0], shape[1], start + headerLen)
        let (bytes, overflow) = rows.multipliedReportingOverflow(by: dimension * (half ? 2 : 4))
        guard !overflow, body + bytes <= p.count else { throw fail("truncated data") }
    }

    /// Converts `range`'s rows of the file at `base` to f32 in `out`.
    func copyRows(_ range: Range<Int>, from base: UnsafeRawPointer, into out: UnsafeMutablePointer<Float>) {
        let n = range.count * dimension
        let at = base + body + range.lowerBound * dimension * (half ? 2 : 4)
        if half {
            ck_f16_to_f32(at.assumingMemoryBound(to: UInt16.self), out, n)
        } else {
            out.update(from: at.assumingMemoryBound(to: Float.self), count: n)
        }
    }
}
