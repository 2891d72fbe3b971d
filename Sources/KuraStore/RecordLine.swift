import Foundation

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// A direct reader for the usual shape of a `kura ingest --vectors` line: one flat object with string
/// `id` and `text` (no escapes), any `metadata` object, and a `vector` of plain JSON numbers. A bulk load
/// is mostly float text, and JSONDecoder spent about 100 µs a line on it. Anything else (escapes, nulls,
/// other or repeated keys, a missing field) returns nil: the caller falls back to JSONDecoder, which
/// decides and explains.
enum RecordLine {
    static func parse(_ line: some Collection<UInt8>) throws -> Record? {
        // A copy with a NUL after it, so strtof always stops inside the buffer.
        var bytes = [UInt8](line)
        bytes.append(0)
        return try bytes.withUnsafeBufferPointer { b in
            var p = Parser(b: b, i: 0, end: b.count - 1)
            return try p.record()
        }
    }

    private struct Parser {
        let b: UnsafeBufferPointer<UInt8>
        var i: Int
        let end: Int

        mutating func record() throws -> Record? {
            var id: String?
            var text: String?
            var metadata: String?
            var vector: [Float]?
            guard next() == UInt8(ascii: "{") else { return nil }
            while true {
                guard next() == quote, let key = plainString(), next() == UInt8(ascii: ":") else { return nil }
                skipSpace()
                switch key {
                case "id":
                    guard id == nil, next() == quote, let s = plainString() else { return nil }
                    id = s
                case "text":
                    guard text == nil, next() == quote, let s = plainString() else { return nil }
                    text = s
                case "vector":
                    guard vector == nil, let v = numbers() else { return nil }
                    vector = v
                case "metadata":
                    guard metadata == nil, let m = try object() else { return nil }
                    metadata = m
                default:
                    return nil
                }
                let c = next()
                if c == UInt8(ascii: "}") { break }
                guard c == UInt8(ascii: ",") else { return nil }
            }
            skipSpace()
            guard i == end, let id, !id.isEmpty, let text, let vector, !vector.isEmpty else { return nil }
            return Record(id: id, text: text, metadata: metadata ?? "{}", vector: vector)
        }

        let quote = UInt8(ascii: "\"")

        /// The next byte that is not JSON whitespace (0 at the end).
        mutating func next() -> UInt8 {
            skipSpace()
            guard i < end else { return 0 }
            defer { i += 1 }
            return b[i]
        }

        mutating func skipSpace() {
            while i < end, b[i] == 0x20 || b[i] == 0x0A || b[i] == 0x0D || b[i] == 0x09 { i += 1 }
        }

        /// The rest of a string whose opening quote was read; nil if it holds an escape, a control
        /// character or invalid UTF-8.
        mutating func plainString() -> String? {
            let start = i
            while i < end, b[i] != quote {
                if b[i] == UInt8(ascii: "\\") || b[i] < 0x20 { return nil }
                i += 1
            }
            guard i < end else { return nil }
            i += 1
            return String(validating: b[start..<(i - 1)], as: UTF8.self)
        }

        /// A JSON array of numbers, each checked against JSON's number grammar before strtof reads it.
        mutating func numbers() -> [Float]? {
            guard next() == UInt8(ascii: "[") else { return nil }
            var out: [Float] = []
            out.reserveCapacity(1024)
            while true {
                skipSpace()
                let start = i
                guard scanNumber() else { return nil }
                let v = strtof(UnsafeRawPointer(b.baseAddress! + start).assumingMemoryBound(to: CChar.self), nil)
                guard v.isFinite else { return nil }
                out.append(v)
                let c = next()
                if c == UInt8(ascii: "]") { return out }
                guard c == UInt8(ascii: ",") else { return nil }
            }
        }

        /// Moves past one number: `-?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)?`.
        mutating func scanNumber() -> Bool {
            func digits(_ p: inout Parser) -> Int {
                let s = p.i
                while p.i < p.end, (0x30...0x39).contains(p.b[p.i]) { p.i += 1 }
                return p.i - s
            }
            if i < end, b[i] == UInt8(ascii: "-") { i += 1 }
            guard i < end else { return false }
            if b[i] == UInt8(ascii: "0") {
                i += 1
            } else if digits(&self) == 0 {
                return false
            }
            if i < end, b[i] == UInt8(ascii: ".") {
                i += 1
                guard digits(&self) > 0 else { return false }
            }
            if i < end, b[i] == UInt8(ascii: "e") || b[i] == UInt8(ascii: "E") {
                i += 1
                if i < end, b[i] == UInt8(ascii: "+") || b[i] == UInt8(ascii: "-") { i += 1 }
                guard digits(&self) > 0 else { return false }
            }
            return true
        }

        /// The canonical text of a metadata object: `{}` directly, anything else through JSONDecoder and
        /// `Record.canonical`, which also checks its syntax.
        mutating func object() throws -> String? {
            let start = i
            guard next() == UInt8(ascii: "{") else { return nil }
            if next() == UInt8(ascii: "}") { return "{}" }
            i = start
            guard skipObject() else { return nil }
            guard let value = try? JSONDecoder().decode(JSONValue.self, from: Data(b[start..<i])), case .object = value else { return nil }
            return try Record.canonical(value)
        }

        /// Moves past the object starting at `i` by matching brackets outside strings.
        mutating func skipObject() -> Bool {
            var depth = 0
            var inString = false
            while i < end {
                let c = b[i]
                i += 1
                if inString {
                    if c == UInt8(ascii: "\\") {
                        i += 1
                    } else if c == quote {
                        inString = false
                    }
                } else if c == quote {
                    inString = true
                } else if c == UInt8(ascii: "{") || c == UInt8(ascii: "[") {
                    depth += 1
                } else if c == UInt8(ascii: "}") || c == UInt8(ascii: "]") {
                    depth -= 1
                    if depth == 0 { return true }
                }
            }
            return false
        }
    }
}
