/// Checks applied to every vector that enters Kura.
public enum Vectors {
    /// Throws unless `v` has `dimension` finite components.
    public static func validate(_ v: UnsafeBufferPointer<Float>, dimension: Int) throws {
        guard v.count == dimension else {
            throw KuraError.invalidArgument("vector has dimension \(v.count), expected \(dimension)")
        }
        for (i, x) in v.enumerated() where !x.isFinite {
            throw KuraError.invalidArgument("vector component \(i) is \(x); only finite values are allowed")
        }
    }

    /// Scales `v` to unit length in place. A zero vector is left as it is.
    public static func normalize(_ v: UnsafeMutableBufferPointer<Float>) {
        var s: Float = 0
        for x in v { s += x * x }
        guard s > 0 else { return }
        let inv = 1 / s.squareRoot()
        for i in v.indices { v[i] *= inv }
    }

    /// `v` scaled to unit length (a zero vector as it is).
    public static func normalized(_ v: [Float]) -> [Float] {
        var out = v
        out.withUnsafeMutableBufferPointer { normalize($0) }
        return out
    }
}
