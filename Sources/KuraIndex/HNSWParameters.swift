import KuraCore

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// Parameters of an HNSW graph (Malkov & Yashunin, 2016). Defaults follow common practice for
/// 100–1000-dimensional text embeddings.
///
/// | parameter | effect | typical |
/// |---|---|---|
/// | `m` | links per node on upper levels; level 0 keeps `2·m`. Higher: better recall at a given `ef`, more memory (`8·m` bytes a node) and a slower build. | 12–48 |
/// | `efConstruction` | candidate list size while inserting. Higher: a better graph, a slower build. Recall stops improving past ~200 for most data. | 100–400 |
/// | `efSearch` | candidate list size while searching (at least `k`). The recall/speed knob at query time. | 16–256 |
/// | `seed` | picks each node's level. With one thread, the same seed and input order give the same graph. | any |
/// | `encoding` | how rows are stored for traversal: `f32`, or `f16` / `int8` copies that halve / quarter the memory read per hop; the best `Rescoring.perResult × k` candidates (2k by default) are re-scored in f32, so recall is within a hair of f32's while a hop reads a quarter of the bytes. | int8 |
public struct HNSWParameters: Sendable, Equatable {
    /// Links per node on the upper levels (level 0 keeps twice as many).
    public var m: Int
    /// Candidates kept while inserting.
    public var efConstruction: Int
    /// Candidates kept while searching, unless a search asks for another.
    public var efSearch: Int
    /// Seeds the level draw.
    public var seed: UInt64
    /// How rows are stored for traversal.
    public var encoding: VectorEncoding

    /// Parameters with the defaults in the table above; `validate()` checks them.
    public init(m: Int = 16, efConstruction: Int = 200, efSearch: Int = 64, seed: UInt64 = 42, encoding: VectorEncoding = .int8) {
        self.m = m
        self.efConstruction = efConstruction
        self.efSearch = efSearch
        self.seed = seed
        self.encoding = encoding
    }

    /// Links kept per node on level 0.
    public var maxM0: Int { 2 * m }

    /// The level normalisation factor 1/ln(M).
    var levelMultiplier: Double { 1 / log(Double(max(m, 2))) }

    /// Hard ceiling on node levels; with M ≥ 2 the chance of exceeding it is negligible.
    static let maxLevel = 31

    /// Checks each parameter's range.
    /// - Throws: `KuraError.invalidArgument` naming the first parameter out of range.
    public func validate() throws {
        guard (2...256).contains(m) else { throw KuraError.invalidArgument("m must be in 2...256, got \(m)") }
        guard (1...100_000).contains(efConstruction) else {
            throw KuraError.invalidArgument("ef_construction must be in 1...100000, got \(efConstruction)")
        }
        guard (1...100_000).contains(efSearch) else {
            throw KuraError.invalidArgument("ef_search must be in 1...100000, got \(efSearch)")
        }
    }

    /// The level of row `row`: a geometric draw from a hash of (seed, row), so it does not depend on the
    /// order in which threads insert.
    func level(ofRow row: Int) -> Int {
        var z = seed &+ UInt64(row) &* 0x9E37_79B9_7F4A_7C15
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        z ^= z >> 31
        let u = (Double(z >> 11) + 0.5) / Double(1 << 53)  // in (0, 1)
        return min(Int(-log(u) * levelMultiplier), Self.maxLevel)
    }
}
