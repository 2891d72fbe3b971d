import CKuraKernels
import KuraCore

/// Distances from one query to stored rows, for one metric and encoding. Smaller is closer:
/// `-dot` for cosine and inner product (ranked the same; converted for callers at the end) and
/// squared L2 for l2.
struct DistanceKernel {
    var batchFn: ck_batch_fn
    /// For int8 rows and dot distances: the kernel taking a query prepared in int16.
    let preparedBatchFn: ck_batch_fn?
    let base: UnsafeRawPointer
    let stride: Int
    let scales: UnsafePointer<Float>?
    let dimension: Int
    let negate: Bool
    let encoding: VectorEncoding

    init(metric: Metric, encoding: VectorEncoding, base: UnsafeRawPointer, stride: Int, scales: UnsafePointer<Float>?, dimension: Int) {
        let k = ck_active().pointee
        let isL2 = metric == .l2
        switch encoding {
        case .f32: batchFn = isL2 ? k.l2sq_f32_batch : k.dot_f32_batch
        case .f16: batchFn = isL2 ? k.l2sq_f16_batch : k.dot_f16_batch
        case .int8: batchFn = isL2 ? k.l2sq_i8_batch : k.dot_i8_batch
        }
        preparedBatchFn = encoding == .int8 && !isL2 ? k.dot_i8q_batch : nil
        self.base = base
        self.stride = stride
        self.scales = scales
        self.dimension = dimension
        self.negate = !isL2
        self.encoding = encoding
    }

    /// The kernel and query pointer to walk a graph with: for int8 dot distances the query is prepared once
    /// in int16 into `buffer` (`ck_i8q_bytes(dimension)` bytes), and the returned kernel takes that;
    /// otherwise this kernel and `query` unchanged.
    func prepared(_ query: UnsafePointer<Float>, _ buffer: UnsafeMutableRawPointer) -> (DistanceKernel, UnsafePointer<Float>) {
        guard let preparedBatchFn else { return (self, query) }
        ck_i8q_prepare(query, dimension, buffer)
        var k = self
        k.batchFn = preparedBatchFn
        return (k, UnsafePointer(buffer.assumingMemoryBound(to: Float.self)))
    }

    /// Starts loading the first cache lines of `row`, ahead of a batch that scores it.
    @inline(__always)
    func prefetch(_ row: UInt32) {
        ck_prefetch3(base + Int(row) * stride)
        if let scales { ck_prefetch1(scales + Int(row)) }
    }

    /// Writes the distances from `query` to rows `ids[0..<count]` into `out`.
    @inline(__always)
    func distances(_ query: UnsafePointer<Float>, _ ids: UnsafePointer<UInt32>, _ count: Int, _ out: UnsafeMutablePointer<Float>) {
        batchFn(query, base, stride, scales, ids, count, dimension, out)
        if negate {
            for i in 0..<count { out[i] = -out[i] }
        }
    }

    @inline(__always)
    func distance(_ query: UnsafePointer<Float>, _ row: UInt32) -> Float {
        var id = row
        var out: Float = 0
        distances(query, &id, 1, &out)
        return out
    }

    /// Row `row` as floats: a pointer into f32 storage, or the row decoded into `buffer` (`dimension` floats)
    /// for f16 and int8 (each component times the row's scale).
    @inline(__always)
    func row(_ row: UInt32, into buffer: UnsafeMutablePointer<Float>) -> UnsafePointer<Float> {
        let p = base + Int(row) * stride
        switch encoding {
        case .f32:
            return p.assumingMemoryBound(to: Float.self)
        case .f16:
            ck_f16_to_f32(p.assumingMemoryBound(to: UInt16.self), buffer, dimension)
        case .int8:
            let v = p.assumingMemoryBound(to: Int8.self)
            let scale = scales![Int(row)]
            for i in 0..<dimension { buffer[i] = Float(v[i]) * scale }
        }
        return UnsafePointer(buffer)
    }

    /// A pointer to row `row`, valid only for f32 storage.
    @inline(__always)
    func f32Row(_ row: UInt32) -> UnsafePointer<Float> {
        (base + Int(row) * stride).assumingMemoryBound(to: Float.self)
    }
}
