import ArgumentParser
import Foundation
import KuraCore
import KuraEmbed
import KuraIngest
import KuraStore
import KuraText

/// Reads a file line by line without loading it whole.
enum JSONLines {
    static func forEach(_ path: String, _ body: (Int, Substring) throws -> Void) throws {
        guard let f = fopen(path, "r") else { throw KuraError.io(path: path, reason: String(cString: strerror(errno))) }
        defer { fclose(f) }
        var line: UnsafeMutablePointer<CChar>? = nil
        var cap = 0
        defer { free(line) }
        var number = 0
        while true {
            let n = getline(&line, &cap, f)
            if n < 0 { break }
            number += 1
            var bytes = UnsafeRawBufferPointer(start: line, count: n)
            // ASCII whitespace is cut on the bytes; Unicode spaces at either end take the slow path.
            while let c = bytes.first, c == 0x20 || (0x09...0x0D).contains(c) { bytes = UnsafeRawBufferPointer(rebasing: bytes.dropFirst()) }
            while let c = bytes.last, c == 0x20 || (0x09...0x0D).contains(c) { bytes = UnsafeRawBufferPointer(rebasing: bytes.dropLast()) }
            let text = String(decoding: bytes, as: UTF8.self)
            let ascii = bytes.first.map { $0 < 0x80 } == true && bytes.last.map { $0 < 0x80 } == true
            let trimmed = ascii ? text : text.trimmingCharacters(in: .whitespacesAndNewlines)
            if trimmed.isEmpty { continue }
            try body(number, Substring(trimmed))
        }
    }
}
