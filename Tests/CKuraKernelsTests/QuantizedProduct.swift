/// The oracle of the integer products: x · Wᵀ with each row of x and each row of W quantised symmetrically to
/// ±`levels` by its own largest magnitude, as kura_gemm.h states it, summed in double.
enum QuantizedProduct {
    static func dequantised(_ x: [Float], _ m: Int, _ k: Int, _ w: [Float], _ n: Int, levels: Float) -> [Double] {
        func q(_ v: Float, _ top: Float) -> Double {
            top > 0 ? Double(min(levels, max(-levels, (v * (levels / top)).rounded(.toNearestOrEven)))) : 0
        }
        let wTop = (0..<n).map { j in (0..<k).map { abs(w[j * k + $0]) }.max()! }
        let xTop = (0..<m).map { i in (0..<k).map { abs(x[i * k + $0]) }.max()! }
        var y = [Double](repeating: 0, count: m * n)
        for i in 0..<m {
            for j in 0..<n {
                var sum = 0.0
                for p in 0..<k { sum += q(x[i * k + p], xTop[i]) * q(w[j * k + p], wTop[j]) }
                y[i * n + j] = sum * Double(xTop[i] / levels) * Double(wTop[j] / levels)
            }
        }
        return y
    }
}
