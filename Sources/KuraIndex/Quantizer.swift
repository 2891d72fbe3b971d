/// Scalar quantisation of rows for traversal copies.
enum Quantizer {
    /// Writes `x / scale` rounded into `out`, with one scale per row so that the largest component maps
    /// to ±127; returns the scale (`x ≈ out * scale`).
    static func int8(_ x: UnsafePointer<Float>, _ n: Int, into out: UnsafeMutablePointer<Int8>) -> Float {
        var peak: Float = 0
        for i in 0..<n { peak = max(peak, abs(x[i])) }
        guard peak > 0 else {
            out.update(repeating: 0, count: n)
            return 1
        }
        let scale = peak / 127
        for i in 0..<n { out[i] = Int8((x[i] / scale).rounded()) }
        return scale
    }
}
