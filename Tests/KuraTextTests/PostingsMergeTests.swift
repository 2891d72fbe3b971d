import Foundation
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
        var left: [Set<UInt32>] = []
        for p in 0..<4 {
            let rows = (0..<(cuts[p + 1] - cuts[p])).filter { _ in p != 1 && r.below(5) == 0 }
            left.append(Set(rows.map { UInt32($0) }))
        }
        let first = try PostingsWriter.write(LexicalSearchTests.index(slice(0), documentOf: grouped))
        let second = try PostingsWriter.write(LexicalSearchTests.index(slice(1), documentOf: grouped))
        let third = LexicalSearchTests.versionOne(try PostingsWriter.write(LexicalSearchTests.index(slice(2))))
        let indexes: [LexicalIndex] = [
            .section(try mapped.section(first)), .section(try mapped.section(second)), .section(try mapped.section(third)),
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
        let bytes = try merged.joined()
        let expected = try PostingsWriter.write(oracle)
        #expect(bytes == expected, "byte for byte")
        let section = try mapped.section(bytes)
        #expect(section.check().isEmpty)
        #expect(section.documentCount < section.rows, "rows of one document stay one document")
        // Nothing kept: an empty section, as the oracle writes it.
        let none: Parts = parts.map { ($0.index, { _ in false }) }
        let empty = try PostingsWriter.write(merging: none)
        let (emptyBytes, emptyExpected) = (try empty.joined(), try PostingsWriter.write(InvertedIndex(merging: none)))
        #expect(empty.rows == 0 && emptyBytes == emptyExpected)
    }

    /// Spilled a few hundred bytes at a time, the section is the same bytes, read from unlinked files that
    /// leave nothing in the directory.
    @Test(arguments: [1, 2])
    func aSpilledMergeWritesTheSameBytes(seed: UInt64) throws {
        let mapped = Mapped()
        let parts = try Self.parts(seed: seed, mapped)
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("spill-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let inMemory = try PostingsWriter.write(merging: parts).joined()
        let spilled = try PostingsWriter.write(merging: parts, spillingTo: dir, spillEvery: 300)
        #expect(spilled.pieces.filter { if case .spill = $0 { true } else { false } }.count == 4, "dictionary, term bytes, postings, tables")
        #expect(spilled.count == inMemory.count)
        let pieces = try spilled.withPieces { $0.map { Array($0) } }
        #expect(pieces.count == 5 && pieces.allSatisfy { !$0.isEmpty })
        #expect(Array(pieces.joined()) == inMemory, "byte for byte")
        #expect(try FileManager.default.contentsOfDirectory(atPath: dir).isEmpty, "spill files are unlinked")
    }

    @Test func aDictionaryOutOfOrderIsRefused() throws {
        var bytes = try PostingsWriter.write(LexicalSearchTests.index(LexicalSearchTests.documents(200, vocabulary: 50, seed: 9)[...]))
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
