import Testing

@testable import KuraText

/// Dictionary lookups go through the in-memory sample of every 16th term; terms that share their first
/// 8 bytes, shorter terms and keys that fall between terms must all come out as a plain search would.
@Suite struct TermSampleTests {
    static let terms: [String] =
        ["a", "ab", "abc", "abcdefgh", "abcdefghi", "abcdefghij", "b", "日本", "日本語", "x\u{1}y"]
        + (0..<300).map { "prefix_0\(1000 + $0)" } + (0..<200).map { "w\($0 * 7919 % 100_003)" }

    @Test func everyTermIsFoundAndNoOtherKey() throws {
        var index = InvertedIndex()
        for (i, t) in Self.terms.enumerated() { index.add(Array(repeating: t, count: 1) + (i % 3 == 0 ? [t] : []), document: Int64(i)) }
        index.add(Self.terms.filter { $0.hasPrefix("prefix") }, document: 10_000)
        let bytes = try PostingsWriter.write(index)
        try bytes.withUnsafeBytes { raw in
            let section = try PostingsSection(raw)
            #expect(section.termCount == Set(Self.terms).count)
            for term in Self.terms {
                let entry = try #require(section.term(term), "\(term)")
                #expect(entry.df == index.postings(term)?.rows.count, "\(term)")
            }
            let absent = ["", "aa", "abcdefg", "abcdefghijk", "prefix_", "prefix_01000x", "prefix_00999", "prefix_02000", "zzzz", "日", "\u{0}", "x\u{1}"]
            for key in absent { #expect(section.term(key) == nil, "\(key)") }
        }
    }

    /// The sampled range holds the key's index in any sorted dictionary, and stays inside it otherwise.
    @Test(arguments: [1, 15, 16, 17, 100, 1000])
    func theRangeHoldsTheKey(count: Int) {
        var r = LexicalSearchTests.Random(state: UInt64(count))
        let keys = (0..<count).map { _ in [UInt8]((0..<(1 + r.below(12))).map { _ in UInt8(97 + r.below(3)) }) }
        let sorted = Array(Set(keys)).sorted { $0.lexicographicallyPrecedes($1) }
        let sample = TermSample()
        let prefix = { (i: Int) in sorted[i].withUnsafeBytes { TermSample.prefix($0) } }
        for (i, key) in sorted.enumerated() {
            let range = key.withUnsafeBytes { sample.range(of: $0, count: sorted.count, prefixOf: prefix) }
            #expect(range.contains(i), "\(key) at \(i) outside \(range)")
        }
        for probe in [[UInt8](), [0], [255, 255], [97, 97, 97, 97, 97, 97, 97, 97, 97]] {
            let range = probe.withUnsafeBytes { sample.range(of: $0, count: sorted.count, prefixOf: prefix) }
            #expect(range.lowerBound >= 0 && range.upperBound <= sorted.count)
        }
    }
}
