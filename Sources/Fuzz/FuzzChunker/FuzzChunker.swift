import FuzzDriver
import KuraEmbed
import KuraIngest

/// libFuzzer target: any text, in every format, chunks in order, within the limit, covering the text.
private let chunker = Chunker(maxTokens: 24, overlap: 4, counter: WordTokenCounter())

/// One input for libFuzzer: `size` bytes at `data`, checked as above; returns 0 (a failed check traps).
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzChunker(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let text = String(decoding: UnsafeBufferPointer(start: data, count: size), as: UTF8.self)
    let scalars = Array(text.unicodeScalars)
    for format in [TextFormat.plain, .markdown, .restructuredText, .code] {
        var covered = 0
        for c in chunker.chunk(text, format: format, title: "t") {
            precondition(c.start >= 0 && c.start <= c.end && c.end <= scalars.count, "offsets out of range")
            precondition(c.start <= covered, "a gap before \(c.start) (\(format))")
            precondition(String(String.UnicodeScalarView(scalars[c.start..<c.end])) == c.text, "text does not match its offsets")
            precondition(WordTokenCounter().countTokens(c.embedText) <= 24, "a chunk over the limit (\(format))")
            covered = max(covered, c.end)
        }
        let rest = scalars[covered...].allSatisfy { $0.properties.isWhitespace }
        precondition(rest, "text after the last chunk is not covered (\(format))")
    }
    return 0
}

/// The executable's entry point (SwiftPM names it `<Target>_main`): libFuzzer's driver with this target's test.
@_cdecl("FuzzChunker_main")
public func fuzzChunkerMain(_ argc: Int32, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?) -> Int32 {
    runFuzzer(argc, argv) { data, size in data.map { fuzzChunker($0, size) } ?? 0 }
}
