import KuraRetrieval

/// JSON written straight into bytes, for the query route's answer: there, generic serialisation of
/// `[String: Any]` (boxing, key sorting, string bridging) cost several times the search itself.
/// Metadata is stored as canonical JSON text, so it is copied in as it is.
struct JSONWriter {
    private(set) var bytes: [UInt8] = []

    init(capacity: Int = 4096) { bytes.reserveCapacity(capacity) }

    mutating func raw(_ s: StaticString) { s.withUTF8Buffer { bytes.append(contentsOf: $0) } }

    mutating func raw(_ s: String) { bytes.append(contentsOf: s.utf8) }

    mutating func number(_ v: Int64) { raw(String(v)) }

    /// Finite values as Swift's shortest round-trip form (valid JSON); anything else as null.
    mutating func number(_ v: Double) { v.isFinite ? raw(v.description) : raw("null") }

    /// A string with JSON escapes: quote, backslash and control characters; other UTF-8 is copied.
    mutating func string(_ s: String) {
        bytes.append(UInt8(ascii: "\""))
        var s = s
        s.withUTF8 { utf8 in
            var start = 0
            for (i, b) in utf8.enumerated() where b < 0x20 || b == UInt8(ascii: "\"") || b == UInt8(ascii: "\\") {
                bytes.append(contentsOf: UnsafeBufferPointer(rebasing: utf8[start..<i]))
                switch b {
                case UInt8(ascii: "\""): raw("\\\"")
                case UInt8(ascii: "\\"): raw("\\\\")
                case 0x0A: raw("\\n")
                case 0x0D: raw("\\r")
                case 0x09: raw("\\t")
                default:
                    let hex: [UInt8] = Array("0123456789abcdef".utf8)
                    bytes.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "u"), 0x30, 0x30, hex[Int(b >> 4)], hex[Int(b & 15)]])
                }
                start = i + 1
            }
            bytes.append(contentsOf: UnsafeBufferPointer(rebasing: utf8[start...]))
        }
        bytes.append(UInt8(ascii: "\""))
    }

    /// `{"results": [...]}` with the fields of `ResultJSON.object`.
    static func results(_ results: [Retriever.Result]) -> [UInt8] {
        var w = JSONWriter(capacity: 512 + results.reduce(0) { $0 + $1.text.utf8.count + $1.metadata.utf8.count + 128 })
        w.raw("{\"results\":[")
        for (i, r) in results.enumerated() {
            if i > 0 { w.raw(",") }
            w.raw("{\"chunk_id\":")
            w.number(r.chunkID)
            w.raw(",\"document_id\":")
            w.string(r.documentID)
            w.raw(",\"end\":")
            w.number(Int64(r.end))
            w.raw(",\"metadata\":")
            w.raw(r.metadata.isEmpty ? "{}" : r.metadata)
            w.raw(",\"score\":")
            w.number(r.score)
            w.raw(",\"start\":")
            w.number(Int64(r.start))
            w.raw(",\"text\":")
            w.string(r.text)
            for (key, value) in (r.pages?.fields ?? [:]).sorted(by: { $0.key < $1.key }) {
                w.raw(",\"\(key)\":")
                w.number(Int64(value))
            }
            w.raw("}")
        }
        w.raw("]}")
        return w.bytes
    }
}
