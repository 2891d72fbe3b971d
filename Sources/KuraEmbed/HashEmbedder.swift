/// Feature hashing of lower-cased words and word pairs into signed buckets, L2-normalised. No model and
/// no network: fast, deterministic vectors for tests, where texts sharing words land near each other.
public struct HashEmbedder: Embedder {
    /// Buckets per vector.
    public let dimension: Int
    /// `hash:` and the dimension, so a collection records its width.
    public var id: String { "hash:\(dimension)" }
    /// Words and punctuation marks.
    public var tokenCounter: any TokenCounter { WordTokenCounter() }

    /// An embedder of `dimension` buckets (at least 1).
    public init(dimension: Int = 384) { self.dimension = max(1, dimension) }

    /// One vector per text, in order; never throws.
    public func embed(_ texts: [String]) throws -> [[Float]] { texts.map(vector) }

    /// The hashed, L2-normalised vector of one text (all zeros for a text with no words).
    public func vector(_ text: String) -> [Float] {
        var v = [Float](repeating: 0, count: dimension)
        var previous: UInt64 = 0
        for word in Self.words(text) {
            add(word, weight: 1, to: &v)
            if previous != 0 { add(previous &* 31 ^ word, weight: 0.5, to: &v) }
            previous = word
        }
        var norm: Float = 0
        for x in v { norm += x * x }
        if norm > 0 {
            let inv = 1 / norm.squareRoot()
            for i in v.indices { v[i] *= inv }
        }
        return v
    }

    private func add(_ h: UInt64, weight: Float, to v: inout [Float]) {
        let mixed = Self.mix(h)
        v[Int(mixed % UInt64(dimension))] += (mixed >> 63) == 0 ? weight : -weight
    }

    /// FNV-1a hashes of the lower-cased alphanumeric runs of `text`.
    static func words(_ text: String) -> [UInt64] {
        var out: [UInt64] = []
        var h: UInt64 = 0xcbf2_9ce4_8422_2325
        var inWord = false
        for u in text.lowercased().unicodeScalars {
            if u.properties.isAlphabetic || u.properties.numericType != nil {
                var value = u.value
                while true {
                    h = (h ^ UInt64(value & 0xFF)) &* 0x100_0000_01b3
                    value >>= 8
                    if value == 0 { break }
                }
                inWord = true
            } else if inWord {
                out.append(h)
                h = 0xcbf2_9ce4_8422_2325
                inWord = false
            }
        }
        if inWord { out.append(h) }
        return out
    }

    /// SplitMix64's finaliser, so bucket and sign use well-mixed bits.
    static func mix(_ x: UInt64) -> UInt64 {
        var z = x &+ 0x9E37_79B9_7F4A_7C15
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}
