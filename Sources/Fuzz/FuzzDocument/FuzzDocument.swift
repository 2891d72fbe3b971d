import Foundation
import FuzzDriver
import KuraIngest

/// libFuzzer target: any bytes, as each binary format Kura reads (the ZIP and XML path of Word,
/// PowerPoint, OpenDocument and EPUB, and PDF through Poppler): a file is read or refused with an error,
/// never a crash; what is read has text and a page map inside it.
private let names = ["f.docx", "f.pptx", "f.odt", "f.odp", "f.epub", "f.pdf"]

/// One input for libFuzzer: `size` bytes at `data`, checked as above; returns 0 (a failed check traps).
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzDocument(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let bytes = Data(bytes: data, count: size)
    for name in names {
        guard let docs = try? DocumentLoader.load(bytes, name: name, id: name) else { continue }
        for doc in docs {
            precondition(doc.text.contains { !$0.isWhitespace }, "\(name): a document without text was loaded")
            if let pages = doc.pages {
                let count = doc.text.unicodeScalars.count
                precondition(pages.starts.first == 0 && zip(pages.starts, pages.starts.dropFirst()).allSatisfy(<=), "\(name): pages out of order")
                precondition(pages.starts.allSatisfy { $0 <= count }, "\(name): a page starts past the text")
            }
        }
    }
    return 0
}

/// The executable's entry point (SwiftPM names it `<Target>_main`): libFuzzer's driver with this target's test.
@_cdecl("FuzzDocument_main")
public func fuzzDocumentMain(_ argc: Int32, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?) -> Int32 {
    runFuzzer(argc, argv) { data, size in data.map { fuzzDocument($0, size) } ?? 0 }
}
