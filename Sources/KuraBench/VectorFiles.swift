import CKuraKernels
import Foundation
import KuraCore

/// Readers for the common ANN benchmark formats: `.fvecs` / `.ivecs` (per row: int32 dimension, then
/// the values) and numpy `.npy` (version 1–3, 2-D, C order, little-endian float16 or float32).
public enum VectorFiles {
    /// Reads `path` by its extension: `.npy` or `.fvecs`.
    /// - Throws: `KuraError` when the file cannot be read or its layout is not one of those above.
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
        try data.withUnsafeBytes { (p: UnsafeRawBufferPointer) -> VectorSet in
            let layout = try NpyLayout(p, path: path)
            var out = [Float](repeating: 0, count: layout.rows * layout.dimension)
            out.withUnsafeMutableBufferPointer { layout.copyRows(0..<layout.rows, from: p.baseAddress!, into: $0.baseAddress!) }
            return VectorSet(rows: layout.rows, dimension: layout.dimension, data: out)
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
