import KuraCore

/// One of `count` disjoint parts of an ingest, chosen by a hash of each document's id, so that `count`
/// workers given `0/count` … `count-1/count` load every document exactly once, whatever order they read
/// the files in, and a worker run again loads the same documents again.
///
/// The hash is SHA-256 of the id's UTF-8 bytes, its first eight bytes read big-endian, modulo `count`:
/// fixed here so that workers of different Kura versions agree.
public struct Shard: Sendable, Equatable, CustomStringConvertible {
    /// This worker's part, `0..<count`.
    public let index: Int
    /// Parts in all.
    public let count: Int

    /// The largest number of shards: far beyond any Job's parallelism, small enough to keep ids in range.
    public static let maxCount = 65_536

    /// The whole input as one shard.
    public static let all = Shard(uncheckedIndex: 0, count: 1)

    private init(uncheckedIndex: Int, count: Int) {
        index = uncheckedIndex
        self.count = count
    }

    /// Parses `I/N` with 0 ≤ I < N ≤ ``maxCount``.
    /// - Throws: `KuraError.invalidArgument` naming what is wrong.
    public init(parsing text: String) throws {
        let parts = text.split(separator: "/", omittingEmptySubsequences: false)
        guard parts.count == 2, let i = Int(parts[0]), let n = Int(parts[1]) else {
            throw KuraError.invalidArgument("a shard is I/N, such as 0/4; got '\(text.prefix(40))'")
        }
        guard (1...Self.maxCount).contains(n), (0..<n).contains(i) else {
            throw KuraError.invalidArgument("shard \(text.prefix(40)): need 0 <= I < N <= \(Self.maxCount)")
        }
        self.init(uncheckedIndex: i, count: n)
    }

    /// Whether the document with this id belongs to this shard.
    public func owns(_ id: String) -> Bool {
        count == 1 || Self.bucket(of: id, count: count) == index
    }

    /// The shard, out of `count`, that a document id falls in.
    public static func bucket(of id: String, count: Int) -> Int {
        let hex = ContentHash.sha256(id).prefix(16)
        return Int((UInt64(hex, radix: 16) ?? 0) % UInt64(count))
    }

    /// `index/count`, as `--shard` takes it.
    public var description: String { "\(index)/\(count)" }
}
