import Foundation
import KuraCore
import Testing

@testable import KuraIngest

@Suite struct LoaderTests {
    @Test func htmlKeepsTextAndDropsMarkup() {
        let html = """
            <html><head><title>T</title><style>p { color: red }</style></head>
            <body><h1>Pods &amp; nodes</h1><p>A <b>pod</b> is&nbsp;small.</p><script>var x = "<p>";</script><!-- hidden --><p>&#75;&#x38;s</p></body></html>
            """
        let text = HTMLText.extract(html)
        #expect(text.contains("Pods & nodes"))
        #expect(text.contains("A pod is small."))
        #expect(text.contains("K8s"))
        #expect(!text.contains("color") && !text.contains("var x") && !text.contains("hidden") && !text.contains("<"))
    }

    /// Every file a walk finds is loaded or listed with the reason: documents Kura does not read yet by
    /// name, other formats by extension, files past the size limit by size (a sparse file, so nothing is
    /// written); a file named as an argument is read whatever its name.
    @Test func skippedFilesHaveReasons() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("kura-skips-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: dir) }
        for name in ["notes.md", "ls.pdf", "old.doc", "sheet.xlsx", "CHANGES", "big.txt", "x.weird"] {
            try "text".write(toFile: "\(dir)/\(name)", atomically: true, encoding: .utf8)
        }
        let big = try FileHandle(forWritingTo: URL(fileURLWithPath: dir + "/big.txt"))
        try big.truncate(atOffset: UInt64(SourceFiles.maxFileBytes + 1))
        try big.close()
        let listing = try SourceFiles.list([dir], glob: nil)
        #expect(listing.files.map(\.id) == ["ls.pdf", "notes.md"])
        let reasons = Dictionary(uniqueKeysWithValues: listing.skipped.map { (($0.path as NSString).lastPathComponent, $0.reason) })
        #expect(reasons["old.doc"] == "unsupported format: Word 97-2003 (save it as .docx) (.doc) is not read yet")
        #expect(reasons["sheet.xlsx"] == "unsupported format: Excel (.xlsx) is not read yet")
        #expect(reasons["CHANGES"] == "unsupported format (no extension)" && reasons["x.weird"] == "unsupported format (.weird)")
        #expect(reasons["big.txt"] == "over the size limit (\(SourceFiles.maxFileBytes + 1) bytes; at most 256 MiB)")
        #expect(try SourceFiles.list([dir + "/x.weird"], glob: nil).files.map(\.id) == [dir + "/x.weird"])
    }

    @Test func formatsAndFailures() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("kura-loader-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: dir + "/sub/.hidden", withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: dir) }
        try "# Title\n\nBody".write(toFile: dir + "/a.md", atomically: true, encoding: .utf8)
        try "print(1)\n".write(toFile: dir + "/sub/b.py", atomically: true, encoding: .utf8)
        try "secret".write(toFile: dir + "/sub/.hidden/c.txt", atomically: true, encoding: .utf8)
        try Data([0x62, 0x61, 0x64, 0xFF, 0xFE]).write(to: URL(fileURLWithPath: dir + "/bad.txt"))
        try "{\"id\":\"x1\",\"text\":\"one\",\"metadata\":{\"k\":1}}\n\n{\"id\":\"x2\",\"text\":\"two\"}\n".write(
            toFile: dir + "/d.jsonl", atomically: true, encoding: .utf8)
        try Data([0, 1, 2]).write(to: URL(fileURLWithPath: dir + "/image.png"))

        let all = try SourceFiles.list([dir], glob: nil)
        #expect(all.files.map(\.id) == ["a.md", "bad.txt", "d.jsonl", "sub/b.py"])
        // What the walk leaves out is listed with why; hidden entries are not part of the walk.
        #expect(all.skipped == [SourceFiles.Skipped(path: dir + "/image.png", reason: "unsupported format (.png)")])
        #expect(try SourceFiles.list([dir], glob: "*.md").files.map(\.id) == ["a.md"])
        #expect(try SourceFiles.list([dir], glob: "*.md").skipped.isEmpty, "a glob narrows the walk before formats are judged")
        #expect(try SourceFiles.list([dir], glob: "sub/**").files.map(\.id) == ["sub/b.py"])
        #expect(try SourceFiles.list([dir], glob: "**/*.[mp]?").files.map(\.id) == ["a.md", "sub/b.py"])
        #expect(throws: KuraError.self) { try SourceFiles.list([dir + "/missing"], glob: nil) }

        let md = try DocumentLoader.load(path: dir + "/a.md", id: "a.md")
        #expect(md.count == 1 && md[0].format == .markdown && md[0].metadata == #"{"format":"markdown","source":"a.md"}"#)
        #expect(try DocumentLoader.load(path: dir + "/sub/b.py", id: "b")[0].format == .code)
        let records = try DocumentLoader.load(path: dir + "/d.jsonl", id: "d.jsonl")
        #expect(records.map(\.id) == ["x1", "x2"] && records[0].metadata == #"{"k":1}"#)
        let bad = #expect(throws: KuraError.self) { try DocumentLoader.load(path: dir + "/bad.txt", id: "bad.txt") }
        #expect("\(bad!)".contains("bad.txt") && "\(bad!)".contains("UTF-8"))
    }
}
