import Foundation
import Testing

@testable import KuraCore

/// Huge-page mappings land on 2 MiB boundaries and behave as ordinary mappings.
@Suite struct HugePagesTests {
    @Test func largeAnonymousMappingsAreAlignedAndWritable() throws {
        let length = 3 * HugePages.size + 4096
        let p = try #require(HugePages.map(length: length, protection: PROT_READ | PROT_WRITE, flags: MAP_PRIVATE | MAP_ANONYMOUS, fd: -1))
        defer { munmap(p, length) }
        #expect(Int(bitPattern: p) % HugePages.size == 0)
        HugePages.advise(p, length: length)
        let bytes = p.assumingMemoryBound(to: UInt8.self)
        for i in stride(from: 0, to: length, by: 4096) { bytes[i] = UInt8(truncatingIfNeeded: i / 4096) }
        for i in stride(from: 0, to: length, by: 4096) { #expect(bytes[i] == UInt8(truncatingIfNeeded: i / 4096)) }
    }

    @Test func smallMappingsArePlain() throws {
        let p = try #require(HugePages.map(length: 8192, protection: PROT_READ | PROT_WRITE, flags: MAP_PRIVATE | MAP_ANONYMOUS, fd: -1))
        defer { munmap(p, 8192) }
        p.storeBytes(of: 7, as: UInt64.self)
        #expect(p.load(as: UInt64.self) == 7)
    }

    /// A mapped file reads back what was written, hot ranges included, and its neighbours stay mapped.
    @Test func mappedFilesReadTheirBytesWithHotRanges() throws {
        let path = NSTemporaryDirectory() + "kura-hugepages-\(UUID().uuidString)"
        defer { unlink(path) }
        let words = (0..<(5 * HugePages.size / 8 + 3)).map { UInt64($0) &* 0x9E37_79B9_7F4A_7C15 }
        try words.withUnsafeBytes { try Data($0).write(to: URL(fileURLWithPath: path)) }
        let file = try MappedFile(path: path)
        #expect(Int(bitPattern: file.base) % HugePages.size == 0)
        file.advise(offset: 100, length: 3 * HugePages.size, .hot)
        file.advise(offset: 3 * HugePages.size + 100, length: file.count, .random)
        let read = file.base.assumingMemoryBound(to: UInt64.self)
        #expect(file.count == words.count * 8)
        #expect((0..<words.count).allSatisfy { read[$0] == words[$0] })
    }
}
