import FuzzDriver
import KuraText

/// libFuzzer target: any bytes, as text, through every analyzer: terms are non-empty, within the length
/// limit, and the same text always gives the same terms.
private let analyzers: [any Analyzer] = AnalyzerName.allCases.map { name in
    do { return try name.make() } catch { fatalError("cannot make the \(name.rawValue) analyzer: \(error)") }
}

/// One input for libFuzzer: `size` bytes at `data`, checked as above; returns 0 (a failed check traps).
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzAnalyzer(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let text = String(decoding: UnsafeBufferPointer(start: data, count: size), as: UTF8.self)
    for analyzer in analyzers {
        let terms = analyzer.terms(text)
        precondition(terms.allSatisfy { !$0.isEmpty && $0.unicodeScalars.count <= 65 }, "\(analyzer.name): a bad term in \(terms.prefix(8))")
        precondition(terms == analyzer.terms(text), "\(analyzer.name): terms differ between two runs")
    }
    return 0
}

/// The executable's entry point (SwiftPM names it `<Target>_main`): libFuzzer's driver with this target's test.
@_cdecl("FuzzAnalyzer_main")
public func fuzzAnalyzerMain(_ argc: Int32, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?) -> Int32 {
    runFuzzer(argc, argv) { data, size in data.map { fuzzAnalyzer($0, size) } ?? 0 }
}
