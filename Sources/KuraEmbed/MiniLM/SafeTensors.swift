import CKuraKernels
import Foundation
import KuraCore

/// A `.safetensors` file, memory-mapped.
///
/// Format: an 8-byte little-endian header length N, then N bytes of JSON mapping each tensor name to
/// `{"dtype", "shape", "data_offsets": [begin, end]}` (offsets relative to the byte after the header),
/// then the raw little-endian tensor bytes. An optional `__metadata__` entry holds strings.
public final class SafeTensors: @unchecked Sendable {
    /// One tensor's entry in the header.
    public struct Tensor: Sendable {
        /// The element type as the file names it (`F32`, `F16`, `BF16`, ...).
        public let dtype: String
        /// The dimensions, outermost first.
        public let shape: [Int]
        let offset: Int
        let byteCount: Int
        /// Elements in the tensor.
        public var count: Int { shape.reduce(1, *) }
    }

    /// The file's path.
    public let path: String
    /// Every tensor, by name.
    public let tensors: [String: Tensor]
    private let file: MappedFile
    private let dataStart: Int

    /// Maps `path` and reads its header.
    /// - Throws: `KuraError.corruptFile` when the header's length or JSON is malformed or a tensor's bytes
    /// fall outside the file; what `MappedFile` throws when the file cannot be opened.
    public init(path: String) throws {
        self.path = path
        file = try MappedFile(path: path, minimumBytes: 8) { "\($0) bytes is too small to be a safetensors file" }
        let headerLength = Int(UInt64(littleEndian: file.base.loadUnaligned(as: UInt64.self)))
        guard headerLength > 0, headerLength <= file.count - 8 else {
            throw KuraError.corruptFile(path: path, reason: "header length \(headerLength) exceeds the file")
        }
        dataStart = 8 + headerLength
        tensors = try Self.parseHeader(Data(bytes: file.base + 8, count: headerLength), dataBytes: file.count - dataStart, path: path)
    }

    private static func parseHeader(_ data: Data, dataBytes: Int, path: String) throws -> [String: Tensor] {
        guard let root = try? JSONSerialization.jsonObject(with: data) as? [String: Any] else {
            throw KuraError.corruptFile(path: path, reason: "the header is not a JSON object")
        }
        var out: [String: Tensor] = [:]
        for (name, value) in root where name != "__metadata__" {
            guard let entry = value as? [String: Any], let dtype = entry["dtype"] as? String, let shape = entry["shape"] as? [Int],
                let offsets = entry["data_offsets"] as? [Int], offsets.count == 2, offsets[0] >= 0, offsets[0] <= offsets[1], offsets[1] <= dataBytes
            else { throw KuraError.corruptFile(path: path, reason: "tensor \(name) has a malformed header entry") }
            let t = Tensor(dtype: dtype, shape: shape, offset: offsets[0], byteCount: offsets[1] - offsets[0])
            guard let width = Self.width(dtype), t.count * width == t.byteCount else {
                throw KuraError.corruptFile(path: path, reason: "tensor \(name): dtype \(dtype) and shape \(shape) do not match its \(t.byteCount) bytes")
            }
            out[name] = t
        }
        return out
    }

    private static func width(_ dtype: String) -> Int? {
        switch dtype {
        case "F64", "I64", "U64": 8
        case "F32", "I32", "U32": 4
        case "F16", "BF16", "I16", "U16": 2
        case "I8", "U8", "BOOL", "F8_E4M3", "F8_E5M2": 1
        default: nil
        }
    }

    /// The tensor as f32 values, checked against the expected shape.
    public func floats(_ name: String, shape: [Int]) throws -> [Float] {
        guard let t = tensors[name] ?? tensors["bert." + name] else { throw KuraError.corruptFile(path: path, reason: "tensor \(name) is missing") }
        guard ["F32", "F16", "BF16"].contains(t.dtype) else {
            throw KuraError.corruptFile(path: path, reason: "tensor \(name) is \(t.dtype), not a float type")
        }
        guard t.shape == shape else { throw KuraError.corruptFile(path: path, reason: "tensor \(name) has shape \(t.shape), expected \(shape)") }
        let src = file.base + dataStart + t.offset
        return [Float](unsafeUninitializedCapacity: t.count) { buf, n in
            switch t.dtype {
            case "F32":
                for i in 0..<t.count { buf[i] = Float(bitPattern: UInt32(littleEndian: src.loadUnaligned(fromByteOffset: 4 * i, as: UInt32.self))) }
            case "F16":
                var half = [UInt16](repeating: 0, count: t.count)
                for i in 0..<t.count { half[i] = UInt16(littleEndian: src.loadUnaligned(fromByteOffset: 2 * i, as: UInt16.self)) }
                ck_f16_to_f32(half, buf.baseAddress!, t.count)
            default:  // BF16: the high half of an f32
                for i in 0..<t.count {
                    buf[i] = Float(bitPattern: UInt32(UInt16(littleEndian: src.loadUnaligned(fromByteOffset: 2 * i, as: UInt16.self))) << 16)
                }
            }
            n = t.count
        }
    }
}
