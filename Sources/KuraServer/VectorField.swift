import Foundation

/// Takes a top-level `"vector": [numbers]` out of a JSON object body and parses it directly, leaving the
/// rest for `JSONDecoder`: decoding hundreds of floats through `Decodable` cost more than the search.
/// Anything unexpected returns nil, and the caller decodes the whole body the ordinary way (which then
/// gives the precise error).
enum VectorField {
    static func split(_ body: [UInt8]) -> (vector: [Float], rest: [UInt8])? {
        var p = Parser(bytes: body + [0])
        return p.split()
    }

    private struct Parser {
        let bytes: [UInt8]
        var i = 0

        mutating func split() -> (vector: [Float], rest: [UInt8])? {
            skipSpace()
            guard take(UInt8(ascii: "{")) else { return nil }
            var rest: [UInt8] = [UInt8(ascii: "{")]
            var vector: [Float]?
            skipSpace()
            if take(UInt8(ascii: "}")) { return nil }
            while true {
                skipSpace()
                let keyStart = i
                guard skipString() else { return nil }
                let key = bytes[(keyStart + 1)..<(i - 1)]
                skipSpace()
                guard take(UInt8(ascii: ":")) else { return nil }
                skipSpace()
                if key.elementsEqual("vector".utf8) {
                    guard vector == nil, let v = numbers() else { return nil }
                    vector = v
                } else {
                    guard skipValue() else { return nil }
                    if rest.count > 1 { rest.append(UInt8(ascii: ",")) }
                    rest.append(contentsOf: bytes[keyStart..<i])
                }
                skipSpace()
                if take(UInt8(ascii: ",")) { continue }
                guard take(UInt8(ascii: "}")) else { return nil }
                break
            }
            skipSpace()
            guard i == bytes.count - 1, let vector else { return nil }
            rest.append(UInt8(ascii: "}"))
            return (vector, rest)
        }

        /// `[n, n, ...]` of JSON numbers, parsed with strtof (the body ends in a NUL, so it stops in bounds).
        mutating func numbers() -> [Float]? {
            guard take(UInt8(ascii: "[")) else { return nil }
            var out: [Float] = []
            out.reserveCapacity(1024)
            skipSpace()
            if take(UInt8(ascii: "]")) { return out }
            while true {
                skipSpace()
                guard let c = peek, c == UInt8(ascii: "-") || (c >= 0x30 && c <= 0x39) else { return nil }
                var end: UnsafeMutablePointer<CChar>?
                let start = i
                let value = bytes.withUnsafeBufferPointer { buf -> Float in
                    let base = UnsafeRawPointer(buf.baseAddress! + start).assumingMemoryBound(to: CChar.self)
                    let v = strtof(base, &end)
                    i = start + (end.map { UnsafeRawPointer($0) - UnsafeRawPointer(base) } ?? 0)
                    return v
                }
                // strtof also reads hex, inf and nan, which JSON does not have.
                // A value beyond a float's range is left to the checked decode, which names it.
                guard i > start, value.isFinite, bytes[start..<i].allSatisfy(Self.numberByte) else { return nil }
                out.append(value)
                skipSpace()
                if take(UInt8(ascii: ",")) { continue }
                guard take(UInt8(ascii: "]")) else { return nil }
                return out
            }
        }

        static func numberByte(_ c: UInt8) -> Bool {
            (c >= 0x30 && c <= 0x39) || c == UInt8(ascii: "-") || c == UInt8(ascii: "+") || c == UInt8(ascii: ".") || c == UInt8(ascii: "e")
                || c == UInt8(ascii: "E")
        }

        var peek: UInt8? { i < bytes.count ? bytes[i] : nil }

        mutating func take(_ c: UInt8) -> Bool {
            guard peek == c else { return false }
            i += 1
            return true
        }

        mutating func skipSpace() {
            while let c = peek, c == 0x20 || c == 0x0A || c == 0x0D || c == 0x09 { i += 1 }
        }

        /// A string, escapes included; `i` ends after the closing quote.
        mutating func skipString() -> Bool {
            guard take(UInt8(ascii: "\"")) else { return false }
            while let c = peek, c != 0 {
                i += 1
                if c == UInt8(ascii: "\\") {
                    i += 1
                } else if c == UInt8(ascii: "\"") {
                    return true
                }
            }
            return false
        }

        /// Any JSON value, nested ones included, without checking more than the decoder will.
        mutating func skipValue() -> Bool {
            guard let c = peek else { return false }
            if c == UInt8(ascii: "\"") { return skipString() }
            if c == UInt8(ascii: "{") || c == UInt8(ascii: "[") {
                var depth = 0
                while let c = peek, c != 0 {
                    if c == UInt8(ascii: "\"") {
                        guard skipString() else { return false }
                        continue
                    }
                    i += 1
                    if c == UInt8(ascii: "{") || c == UInt8(ascii: "[") { depth += 1 }
                    if c == UInt8(ascii: "}") || c == UInt8(ascii: "]") {
                        depth -= 1
                        if depth == 0 { return true }
                    }
                }
                return false
            }
            while let c = peek, c != 0, c != UInt8(ascii: ","), c != UInt8(ascii: "}"), c != 0x20, c != 0x0A, c != 0x0D, c != 0x09 { i += 1 }
            return true
        }
    }
}
