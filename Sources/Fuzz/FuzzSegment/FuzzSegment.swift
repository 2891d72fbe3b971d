import Foundation
import FuzzDriver
import KuraIndex

/// libFuzzer target: any bytes as a segment file are either refused with an error or open, verify and
/// search without crashing.
private let path = FileManager.default.temporaryDirectory.appendingPathComponent("kura-fuzz-segment-\(getpid()).seg").path

/// One input for libFuzzer: `size` bytes at `data`, checked as above; returns 0 (a failed check traps).
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzSegment(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    guard FileManager.default.createFile(atPath: path, contents: Data(bytes: data, count: size)) else { return 0 }
    guard let segment = try? Segment(path: path) else { return 0 }
    // A file that opens must have passed its checksums before anything reads its graph.
    guard segment.verify().isEmpty else { return 0 }
    _ = try? segment.search([Float](repeating: 0.5, count: segment.dimension), k: 5)
    return 0
}

/// The executable's entry point (SwiftPM names it `<Target>_main`): libFuzzer's driver with this target's test.
@_cdecl("FuzzSegment_main")
public func fuzzSegmentMain(_ argc: Int32, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?) -> Int32 {
    runFuzzer(argc, argv) { data, size in data.map { fuzzSegment($0, size) } ?? 0 }
}
