import CKuraKernels
import COpenBLAS

/// The BERT encoder forward pass, then mean pooling and L2 normalisation.
///
/// Sequences are packed end to end with no padding: every per-token product (QKV, attention output,
/// feed-forward) is one matrix product over all tokens of the batch, and attention runs per sequence over
/// its own length, so a padded key never costs a flop and needs no mask. Each linear product runs in the
/// copy of its weights it carries: int8, 12-bit, bf16, binary16 or float; attention in 12-bit integers
/// when those are 16-bit (``integerAttention``).
struct BertEncoder: Sendable {
    let config: BertConfig
    let weights: BertWeights

    /// Attention's two products run in 12-bit integers (``ck_attention32_i16``) when the linear layers run
    /// in 16 bits (bf16, binary16, 12-bit): its error is of the same order as theirs, and it takes 0.7× float
    /// attention's time. Not under int8, whose larger error it would add to (the fixture's worst cosine
    /// 0.9857 would fall to 0.9794).
    var integerAttention: Bool { !weights.usesInt8 && (weights.usesBF16 || weights.usesF16 || weights.usesInt16) }

    /// Scratch matrices, reused across batches by one thread.
    final class Workspace: @unchecked Sendable {
        private(set) var capacity = 0
        private(set) var x = UnsafeMutablePointer<Float>.allocate(capacity: 1)
        private(set) var tmp = UnsafeMutablePointer<Float>.allocate(capacity: 1)
        private(set) var ctx = UnsafeMutablePointer<Float>.allocate(capacity: 1)
        private(set) var qkv = UnsafeMutablePointer<Float>.allocate(capacity: 1)
        private(set) var mid = UnsafeMutablePointer<Float>.allocate(capacity: 1)
        private(set) var scores = UnsafeMutablePointer<Float>.allocate(capacity: 1)
        /// The input of a bf16 or binary16 product, rounded.
        private(set) var halves = UnsafeMutablePointer<UInt16>.allocate(capacity: 1)
        /// The input of a 12-bit product, quantised (its rows' scales in `rowScales`).
        private(set) var int16 = UnsafeMutablePointer<Int16>.allocate(capacity: 1)
        /// The input of an int8 product, quantised, and its rows' scales.
        private(set) var int8 = UnsafeMutablePointer<UInt8>.allocate(capacity: 1)
        private(set) var rowScales = UnsafeMutablePointer<Float>.allocate(capacity: 1)
        private var scoreCapacity = 1

        /// Room for `tokens` rows; the 16-bit and int8 inputs only for the products the weights run in.
        func reserve(tokens: Int, longest: Int, config c: BertConfig, halves usesHalves: Bool, int8 usesInt8: Bool, int16 usesInt16: Bool) {
            if tokens > capacity {
                for p in [x, tmp, ctx, qkv, mid, rowScales] { p.deallocate() }
                halves.deallocate()
                int8.deallocate()
                int16.deallocate()
                capacity = max(tokens, capacity * 2)
                let widest = max(c.hidden, c.intermediate)
                halves = .allocate(capacity: usesHalves ? capacity * widest : 1)
                int8 = .allocate(capacity: usesInt8 ? capacity * widest : 1)
                int16 = .allocate(capacity: usesInt16 ? capacity * widest : 1)
                rowScales = .allocate(capacity: usesInt8 || usesInt16 ? capacity : 1)
                x = .allocate(capacity: capacity * c.hidden)
                tmp = .allocate(capacity: capacity * c.hidden)
                ctx = .allocate(capacity: capacity * c.hidden)
                qkv = .allocate(capacity: capacity * 3 * c.hidden)
                mid = .allocate(capacity: capacity * c.intermediate)
            }
            let need = max(longest * longest, ck_attention32_i16_scratch(longest))
            if need > scoreCapacity {
                scores.deallocate()
                scoreCapacity = need
                scores = .allocate(capacity: scoreCapacity)
            }
        }

        func swapHidden() { swap(&x, &tmp) }

        deinit {
            for p in [x, tmp, ctx, qkv, mid, scores, rowScales] { p.deallocate() }
            halves.deallocate()
            int8.deallocate()
            int16.deallocate()
        }
    }

    /// Writes one normalised embedding per sequence into `out` (row-major, `hidden` wide).
    func embed(_ sequences: [[Int32]], into out: UnsafeMutablePointer<Float>, workspace ws: Workspace) {
        let h = config.hidden
        let lengths = sequences.map(\.count)
        let tokens = lengths.reduce(0, +)
        guard tokens > 0 else { return }
        ws.reserve(
            tokens: tokens, longest: lengths.max() ?? 1, config: config, halves: weights.usesBF16 || weights.usesF16, int8: weights.usesInt8,
            int16: weights.usesInt16)
        embedTokens(sequences, tokens: tokens, ws)
        for layer in weights.layers { encode(layer, lengths: lengths, tokens: tokens, ws) }
        var row = 0
        for (s, n) in lengths.enumerated() {
            pool(ws.x + row * h, count: n, into: out + s * h)
            row += n
        }
    }

    private func embedTokens(_ sequences: [[Int32]], tokens: Int, _ ws: Workspace) {
        let h = config.hidden
        var row = 0
        weights.word.withUnsafeBufferPointer { word in
            weights.position.withUnsafeBufferPointer { pos in
                weights.tokenType.withUnsafeBufferPointer { typ in
                    for seq in sequences {
                        for (p, id) in seq.enumerated() {
                            let dst = ws.x + row * h
                            let w = word.baseAddress! + Int(id) * h
                            let q = pos.baseAddress! + min(p, config.maxPositions - 1) * h
                            for j in 0..<h { dst[j] = w[j] + q[j] + typ[j] }
                            row += 1
                        }
                    }
                }
            }
        }
        ck_layernorm_rows(ws.x, nil, nil, weights.embGamma, weights.embBeta, tokens, h, config.layerNormEps)
    }

    private func encode(_ l: BertWeights.Layer, lengths: [Int], tokens t: Int, _ ws: Workspace) {
        let h = config.hidden
        product(ws.x, t, l.qkv, bias: l.qkvBias, into: ws.qkv, ws)
        attention(lengths: lengths, ws)
        product(ws.ctx, t, l.attnOut, into: ws.tmp, ws)
        ck_layernorm_rows(ws.tmp, l.attnOutBias, ws.x, l.ln1Gamma, l.ln1Beta, t, h, config.layerNormEps)
        ws.swapHidden()
        product(ws.x, t, l.up, into: ws.mid, ws)
        ck_gelu_bias(ws.mid, l.upBias, t, config.intermediate)
        product(ws.mid, t, l.down, into: ws.tmp, ws)
        ck_layernorm_rows(ws.tmp, l.downBias, ws.x, l.ln2Gamma, l.ln2Beta, t, h, config.layerNormEps)
        ws.swapHidden()
    }

    /// y = x · Wᵀ (+ bias) in the copy of W the product runs in: int8, 12-bit, bf16, binary16 or float (sgemm, W stored
    /// (outputs, inputs) as PyTorch keeps it). Without `bias`, the element-wise pass that follows adds it.
    private func product(
        _ x: UnsafePointer<Float>, _ rows: Int, _ w: BertWeights.Linear, bias: [Float]? = nil, into y: UnsafeMutablePointer<Float>,
        _ ws: Workspace
    ) {
        let n = w.outputs
        if let q = w.int8 {
            ck_i8_gemm(x, rows, w.inputs, q.packed, q.scales, q.sums, bias, n, y, ws.int8, ws.rowScales)
        } else if let q = w.int16 {
            ck_i16_gemm(x, rows, w.inputs, q.packed, q.scales, bias, n, y, ws.int16, ws.rowScales)
        } else if let b = w.bf16 {
            ck_bf16_gemm(x, rows, w.inputs, b, n, y, ws.halves)
            if let bias { ck_add_rows(y, bias, rows, n) }
        } else if let f = w.f16 {
            ck_f16_gemm(x, rows, w.inputs, f, bias, n, y, ws.halves)
        } else {
            if let bias { ck_fill_rows(y, bias, rows, n) }
            cblas_sgemm(
                CblasRowMajor, CblasNoTrans, CblasTrans, Int32(rows), Int32(n), Int32(w.inputs), 1, x, Int32(w.inputs), w.weights,
                Int32(w.inputs), bias == nil ? 0 : 1, y, Int32(n))
        }
    }

    /// Scaled dot-product attention per sequence and head, reading Q, K, V in place from the packed
    /// QKV matrix and writing each head's output into its columns of `ctx`.
    private func attention(lengths: [Int], _ ws: Workspace) {
        let h = config.hidden, d = config.headDim, ld = Int32(3 * h)
        let scale = 1 / Float(d).squareRoot()
        let attend32 = integerAttention ? ck_attention32_i16 : ck_attention32
        var row = 0
        for n in lengths {
            let n32 = Int32(n)
            for head in 0..<config.heads {
                let q = ws.qkv + row * 3 * h + head * d
                if d == 32 {
                    attend32(q, q + h, q + 2 * h, 3 * h, n, scale, ws.ctx + row * h + head * d, h, ws.scores)
                    continue
                }
                cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasTrans, n32, n32, Int32(d), scale, q, ld, q + h, ld, 0, ws.scores, n32)
                ck_softmax_rows(ws.scores, n, n, n)
                cblas_sgemm(
                    CblasRowMajor, CblasNoTrans, CblasNoTrans, n32, Int32(d), n32, 1, ws.scores, n32, q + 2 * h, ld, 0, ws.ctx + row * h + head * d, Int32(h))
            }
            row += n
        }
    }

    private func pool(_ rows: UnsafePointer<Float>, count n: Int, into out: UnsafeMutablePointer<Float>) {
        let h = config.hidden
        for j in 0..<h { out[j] = 0 }
        for r in 0..<n { for j in 0..<h { out[j] += rows[r * h + j] } }
        var norm: Float = 0
        for j in 0..<h { norm += out[j] * out[j] }
        let inv = norm > 0 ? 1 / norm.squareRoot() : 0  // the mean's 1/n cancels in the normalisation
        for j in 0..<h { out[j] *= inv }
    }
}
