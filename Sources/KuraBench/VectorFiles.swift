import CKuraKernels
import Foundation
import KuraCore

/// A block of vectors read from a benchmark file, as f32 rows.
public struct VectorSet: Sendable {
    public var rows: Int
    public var dimension: Int
    public var data: [Float]

    public init(rows: Int, dimension: Int, data: [Float]) {
        self.rows = rows
        self.dimension = dimension
        self.data = data
    }

    /// The first `n` rows.
    public func prefix(_ n: Int) -> VectorSet {
        let n = min(n, rows)
        return VectorSet(rows: n, dimension: dimension, data: Array(data[0..<(n * dimension)]))
    }
}

/// Readers for the common ANN benchmark formats: `.fvecs` / `.ivecs` (per row: int32 dimension, then
/// the values) and numpy `.npy` (version 1–3, 2-D, C order, little-endian float16 or float32).
public enum VectorFiles {
    public static func loadVectors(_ path: String) throws -> VectorSet {
        let data = try read(path)
        if path.hasSuffix(".npy") { return try npy(data, path: path) }
        if path.hasSuffix(".fvecs") { return try fvecs(data, path: path) }
        throw KuraError.invalidArgument("\(path): unknown vector format; use .npy (float16/float32) or .fvecs")
    }

    /// Rows of int32 (ground-truth neighbour lists).
    public static func loadIvecs(_ path: String) throws -> [[Int32]] {
        let data = try read(path)
        return try rowsOf(data, path: path) { p, d in Array(UnsafeBufferPointer(start: p.assumingMemoryBound(to: Int32.self), count: d)) }
    }

    static func read(_ path: String) throws -> Data {
        do { return try Data(contentsOf: URL(fileURLWithPath: path), options: .alwaysMapped) } catch {
            throw KuraError.io(path: path, reason: "cannot read: \(error.localizedDescription)")
        }
    }

    static func fvecs(_ data: Data, path: String) throws -> VectorSet {
        let rows: [[Float]] = try rowsOf(data, path: path) { p, d in Array(UnsafeBufferPointer(start: p.assumingMemoryBound(to: Float.self), count: d)) }
        guard let d = rows.first?.count else { return VectorSet(rows: 0, dimension: 0, data: []) }
        return VectorSet(rows: rows.count, dimension: d, data: rows.flatMap { $0 })
    }

    /// Walks `dim, values...` records; every record must have the first record's dimension.
    static func rowsOf<T>(_ data: Data, path: String, _ make: (UnsafeRawPointer, Int) -> T) throws -> [T] {
        try data.withUnsafeBytes { (p: UnsafeRawBufferPointer) -> [T] in
            var out: [T] = []
            var o = 0
            var dim: Int? = nil
            while o < p.count {
                guard o + 4 <= p.count else { throw KuraError.corruptFile(path: path, reason: "truncated record at byte \(o)") }
                let d = Int(Int32(littleEndian: p.loadUnaligned(fromByteOffset: o, as: Int32.self)))
                guard d > 0, d == (dim ?? d) else { throw KuraError.corruptFile(path: path, reason: "bad dimension \(d) at byte \(o)") }
                dim = d
                guard o + 4 + 4 * d <= p.count else { throw KuraError.corruptFile(path: path, reason: "truncated record at byte \(o)") }
                let copy = UnsafeMutableRawPointer.allocate(byteCount: 4 * d, alignment: 4)
                defer { copy.deallocate() }
                copy.copyMemory(from: p.baseAddress! + o + 4, byteCount: 4 * d)
                out.append(make(copy, d))
                o += 4 + 4 * d
            }
            return out
        }
    }

    static func npy(_ data: Data, path: String) throws -> VectorSet {
        func fail(_ why: String) -> KuraError { .corruptFile(path: path, reason: why) }
        return try data.withUnsafeBytes { (p: UnsafeRawBufferPointer) -> VectorSet in
            guard p.count >= 10, Array(p[0..<6]) == [0x93] + Array("NUMPY".utf8) else { throw fail("not a .npy file") }
            let major = p[6]
            let headerLen: Int
            let start: Int
            switch major {
            case 1:
                headerLen = Int(UInt16(littleEndian: p.loadUnaligned(fromByteOffset: 8, as: UInt16.self)))
                start = 10
            case 2, 3:
                guard p.count >= 12 else { throw fail("truncated header") }
                headerLen = Int(UInt32(littleEndian: p.loadUnaligned(fromByteOffset: 8, as: UInt32.self)))
                start = 12
            default: throw fail("unsupported .npy version \(major)")
            }
            guard start + headerLen <= p.count, let header = String(bytes: p[start..<(start + headerLen)], encoding: .utf8) else {
                throw fail("truncated header")
            }
            let (descr, fortran, shape) = try parseNpyHeader(header, fail)
            guard !fortran else { throw fail("Fortran-order arrays are not supported") }
            guard shape.count == 2 else { throw fail("expected a 2-D array, got shape \(shape)") }
            let (rows, dim) = (shape[0], shape[1])
            let body = p.baseAddress! + start + headerLen
            let n = rows * dim
            var out = [Float](repeating: 0, count: n)
            switch descr {
            case "<f4":
                guard start + headerLen + 4 * n <= p.count else { throw fail("truncated data") }
                out.withUnsafeMutableBytes { $0.copyMemory(from: UnsafeRawBufferPointer(start: body, count: 4 * n)) }
            case "<f2":
                guard start + headerLen + 2 * n <= p.count else { throw fail("truncated data") }
                var halves = [UInt16](repeating: 0, count: n)
                halves.withUnsafeMutableBytes { $0.copyMemory(from: UnsafeRawBufferPointer(start: body, count: 2 * n)) }
                ck_f16_to_f32(halves, &out, n)
            default: throw fail("unsupported dtype \(descr); use <f2 or <f4")
            }
            return VectorSet(rows: rows, dimension: dim, data: out)
        }
    }

    /// Parses `{'descr': '<f2', 'fortran_order': False, 'shape': (97149, 384), }`.
    static func parseNpyHeader(_ h: String, _ fail: (String) -> KuraError) throws -> (String, Bool, [Int]) {
        func value(_ key: String) -> Substring? {
            guard let r = h.range(of: "'\(key)':") else { return nil }
            return h[r.upperBound...].drop(while: { $0 == " " })
        }
        guard let d = value("descr"), d.first == "'", let end = d.dropFirst().firstIndex(of: "'") else { throw fail("no descr in header") }
        let descr = String(d[d.index(after: d.startIndex)..<end])
        let fortran = value("fortran_order")?.hasPrefix("True") ?? false
        guard let s = value("shape"), s.first == "(", let close = s.firstIndex(of: ")") else { throw fail("no shape in header") }
        let shape = s[s.index(after: s.startIndex)..<close].split(separator: ",").compactMap { Int($0.trimmingCharacters(in: .whitespaces)) }
        return (descr, fortran, shape)
    }
}
