/// A small, fast, seeded generator (SplitMix64) so that test data is the same on every run and machine.
public struct SeededRandom: RandomNumberGenerator, Sendable {
    private var state: UInt64

    /// A generator starting from `seed`.
    public init(seed: UInt64) { state = seed }

    /// The next 64 random bits.
    public mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    /// Uniform in [-1, 1), with 24 bits of precision.
    public mutating func unit() -> Float { Float(next() >> 40) / Float(1 << 24) * 2 - 1 }

    /// Uniform in 0..<n.
    public mutating func below(_ n: Int) -> Int { Int(next() % UInt64(n)) }

    /// Uniform in the closed range.
    public mutating func int(_ r: ClosedRange<Int>) -> Int { r.lowerBound + below(r.count) }

    /// `n` vectors of dimension `d` with components in [-1, 1), row-major.
    public static func vectors(_ n: Int, _ d: Int, seed: UInt64) -> [Float] {
        var rng = SeededRandom(seed: seed)
        return (0..<(n * d)).map { _ in rng.unit() }
    }
}
