import KuraCore
import Testing

@testable import KuraIngest

/// `--shard I/N`: the parts are disjoint, cover everything, and are the same on every machine and version.
@Suite struct ShardTests {
    @Test func partsAreDisjointAndCoverEveryID() throws {
        let ids = (0..<2_000).map { "docs/file\($0).md" }
        for n in [1, 2, 3, 7] {
            let shards = try (0..<n).map { try Shard(parsing: "\($0)/\(n)") }
            for id in ids { #expect(shards.filter { $0.owns(id) }.count == 1, "\(id) in \(n) shards") }
            // Roughly even: no shard holds more than twice its share.
            for s in shards { #expect(ids.filter(s.owns).count < 2 * ids.count / n + 1) }
        }
    }

    /// The hash is fixed (SHA-256, first eight bytes big-endian): these buckets were computed with Python's
    /// hashlib, so workers of other versions, or scripts, agree on who loads what.
    @Test func bucketsAreFixed() {
        let golden: [(String, Int, Int)] = [("a.txt", 1, 629), ("docs/intro.md", 3, 663), ("rec7", 0, 808), ("日本語.md", 3, 511)]
        for (id, of4, of1000) in golden {
            #expect(Shard.bucket(of: id, count: 4) == of4 && Shard.bucket(of: id, count: 1000) == of1000, "\(id)")
        }
    }

    @Test func badShardsAreRefused() throws {
        for text in ["", "1", "2/2", "-1/2", "0/0", "a/b", "0/2/3", "1/65537", " 0/2"] {
            #expect(throws: KuraError.self, "\(text)") { try Shard(parsing: text) }
        }
        #expect(try Shard(parsing: "65535/65536").description == "65535/65536")
        #expect(Shard.all.owns("anything"))
    }
}
