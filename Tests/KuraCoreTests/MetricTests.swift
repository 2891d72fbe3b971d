import KuraCore
import Testing

struct MetricTests {
    @Test func namesAndCodesRoundTrip() {
        #expect(Metric(name: "cosine") == .cosine)
        #expect(Metric(name: "IP") == .innerProduct)
        #expect(Metric(name: "dot") == .innerProduct)
        #expect(Metric(name: "euclidean") == .l2)
        #expect(Metric(name: "manhattan") == nil)
        for m in Metric.allCases { #expect(Metric(code: m.code) == m) }
        #expect(Metric(code: 99) == nil)
    }

    @Test func scoresAreHigherWhenCloser() {
        #expect(Metric.cosine.score(distance: 0.1) > Metric.cosine.score(distance: 0.5))
        #expect(Metric.cosine.score(distance: 0) == 1)
        #expect(Metric.l2.score(distance: 1) > Metric.l2.score(distance: 4))
        #expect(Metric.innerProduct.score(distance: -3) == 3)
    }

    @Test func validationRejectsBadVectors() {
        #expect(throws: KuraError.self) { try [1, 2].withUnsafeBufferPointer { try Vectors.validate($0, dimension: 3) } }
        #expect(throws: KuraError.self) { try [1, .nan, 2].withUnsafeBufferPointer { try Vectors.validate($0, dimension: 3) } }
        #expect(throws: KuraError.self) { try [1, .infinity, 2].withUnsafeBufferPointer { try Vectors.validate($0, dimension: 3) } }
        #expect(throws: Never.self) { try [1, 2, 3].withUnsafeBufferPointer { try Vectors.validate($0, dimension: 3) } }
        do {
            try [Float(1), 2].withUnsafeBufferPointer { try Vectors.validate($0, dimension: 3) }
        } catch {
            #expect("\(error)".contains("dimension 2, expected 3"))
        }
    }

    @Test func normalizeMakesUnitLength() {
        var v: [Float] = [3, 4]
        v.withUnsafeMutableBufferPointer { Vectors.normalize($0) }
        #expect(v == [0.6, 0.8])
        var z: [Float] = [0, 0]
        z.withUnsafeMutableBufferPointer { Vectors.normalize($0) }
        #expect(z == [0, 0])
    }
}
