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

        let all = try SourceFiles.list([dir], glob: nil).map(\.id)
        #expect(all == ["a.md", "bad.txt", "d.jsonl", "sub/b.py"])
        #expect(try SourceFiles.list([dir], glob: "*.md").map(\.id) == ["a.md"])
        #expect(try SourceFiles.list([dir], glob: "sub/**").map(\.id) == ["sub/b.py"])
        #expect(try SourceFiles.list([dir], glob: "**/*.[mp]?").map(\.id) == ["a.md", "sub/b.py"])
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
