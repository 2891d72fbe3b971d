import Foundation
import FuzzDriver
import KuraEmbed

/// libFuzzer target: any bytes, as text, tokenise to [CLS] ... [SEP] within the model's limit.
private let tokenizer: WordPieceTokenizer = {
    let dir = ProcessInfo.processInfo.environment["KURA_MODEL_DIR"] ?? "models/all-MiniLM-L6-v2"
    do { return try WordPieceTokenizer(modelDirectory: URL(fileURLWithPath: dir)) } catch { fatalError("cannot load the vocabulary from \(dir): \(error)") }
}()

/// One input for libFuzzer: `size` bytes at `data`, checked as above; returns 0 (a failed check traps).
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzTokenizer(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let ids = tokenizer.encode(String(decoding: UnsafeBufferPointer(start: data, count: size), as: UTF8.self))
    precondition(ids.count >= 2 && ids.count <= 256 && ids.first == 101 && ids.last == 102, "bad token ids \(ids.prefix(8))")
    return 0
}

/// The executable's entry point (SwiftPM names it `<Target>_main`): libFuzzer's driver with this target's test.
@_cdecl("FuzzTokenizer_main")
public func fuzzTokenizerMain(_ argc: Int32, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?) -> Int32 {
    runFuzzer(argc, argv) { data, size in data.map { fuzzTokenizer($0, size) } ?? 0 }
}
