import KuraCore
import Testing

@testable import KuraText

/// The streaming merge of postings sections against the in-memory merge, its oracle.
@Suite struct PostingsMergeTests {
    /// Section bytes copied to memory that outlives the sections read from it.
    final class Mapped {
        private var buffers: [UnsafeMutableRawBufferPointer] = []
        func section(_ bytes: [UInt8]) throws -> PostingsSection {
            let b = UnsafeMutableRawBufferPointer.allocate(byteCount: max(bytes.count, 1), alignment: 8)
            b.copyMemory(from: UnsafeRawBufferPointer(start: bytes, count: bytes.count))
            buffers.append(b)
            return try PostingsSection(UnsafeRawBufferPointer(rebasing: b[0..<bytes.count]))
        }
        deinit { for b in buffers { b.deallocate() } }
    }

    typealias Parts = [(index: LexicalIndex, keep: (UInt32) -> Bool)]

    /// Two sections, a version 1 section (rows without documents) and an in-memory part; documents of
    /// three rows cross the parts' boundaries; about a fifth of the rows are left out, none of one part.
    static func parts(seed: UInt64, _ mapped: Mapped) throws -> Parts {
        let docs = LexicalSearchTests.documents(1200, vocabulary: 400, seed: seed)
        let cuts = [0, 350, 700, 900, 1200]
        func slice(_ i: Int) -> ArraySlice<[String]> { docs[cuts[i]..<cuts[i + 1]] }
        let grouped: (Int) -> Int64 = { Int64($0 / 3) }
        var r = LexicalSearchTests.Random(state: seed &* 7)
        let left = (0..<4).map { p in Set((0..<(cuts[p + 1] - cuts[p])).filter { _ in p != 1 && r.below(5) == 0 }.map(UInt32.init)) }
        let indexes: [LexicalIndex] = [
            .section(try mapped.section(PostingsWriter.write(LexicalSearchTests.index(slice(0), documentOf: grouped)))),
            .section(try mapped.section(PostingsWriter.write(LexicalSearchTests.index(slice(1), documentOf: grouped)))),
            .section(try mapped.section(LexicalSearchTests.versionOne(PostingsWriter.write(LexicalSearchTests.index(slice(2)))))),
            .memory(LexicalSearchTests.index(slice(3), documentOf: grouped)),
        ]
        return zip(indexes, left).map { index, out in (index, { !out.contains($0) }) }
    }

    @Test(arguments: [1, 2, 3])
    func theStreamingMergeWritesWhatTheInMemoryOneDoes(seed: UInt64) throws {
        let mapped = Mapped()
        let parts = try Self.parts(seed: seed, mapped)
        let oracle = InvertedIndex(merging: parts)
        let merged = try PostingsWriter.write(merging: parts)
        #expect(merged.rows == oracle.rows && merged.rows > 900 && merged.rows < 1200)
        #expect(merged.bytes == PostingsWriter.write(oracle), "byte for byte")
        let section = try mapped.section(merged.bytes)
        #expect(section.check().isEmpty)
        #expect(section.documentCount < section.rows, "rows of one document stay one document")
        // Nothing kept: an empty section, as the oracle writes it.
        let none: Parts = parts.map { ($0.index, { _ in false }) }
        let empty = try PostingsWriter.write(merging: none)
        #expect(empty.rows == 0 && empty.bytes == PostingsWriter.write(InvertedIndex(merging: none)))
    }

    @Test func aDictionaryOutOfOrderIsRefused() throws {
        var bytes = PostingsWriter.write(LexicalSearchTests.index(LexicalSearchTests.documents(200, vocabulary: 50, seed: 9)[...]))
        // Swap the first two term entries: the dictionary is no longer in byte order.
        let at = PostingsFormat.headerSize, size = PostingsFormat.termEntrySize
        let first = Array(bytes[at..<(at + size)])
        bytes.replaceSubrange(at..<(at + size), with: bytes[(at + size)..<(at + 2 * size)])
        bytes.replaceSubrange((at + size)..<(at + 2 * size), with: first)
        let mapped = Mapped()
        let parts: Parts = [(.section(try mapped.section(bytes)), { _ in true })]
        #expect(throws: KuraError.self) { try PostingsWriter.write(merging: parts) }
    }
}
