import CKuraKernels
import COpenBLAS

/// The BERT encoder forward pass, then mean pooling and L2 normalisation.
///
/// Sequences are packed end to end with no padding: every per-token product (QKV, attention output,
/// feed-forward) is one matrix product over all tokens of the batch, and attention runs per sequence over
/// its own length, so a padded key never costs a flop and needs no mask. The feed-forward products, two
/// thirds of the flops, run in bf16 when the weights carry a bf16 copy; every linear product runs in
/// int8 when they carry quantised copies.
struct BertEncoder: Sendable {
    let config: BertConfig
    let weights: BertWeights

    /// Scratch matrices, reused across batches by one thread.
    final class Workspace: @unchecked Sendable {
        private(set) var capacity = 0
        private(set) var x = UnsafeMutablePointer<Float>.allocate(capacity: 1)
        private(set) var tmp = UnsafeMutablePointer<Float>.allocate(capacity: 1)
        private(set) var ctx = UnsafeMutablePointer<Float>.allocate(capacity: 1)
        private(set) var qkv = UnsafeMutablePointer<Float>.allocate(capacity: 1)
        private(set) var mid = UnsafeMutablePointer<Float>.allocate(capacity: 1)
        private(set) var scores = UnsafeMutablePointer<Float>.allocate(capacity: 1)
        /// The input of a bf16 product, rounded.
        private(set) var bf16 = UnsafeMutablePointer<UInt16>.allocate(capacity: 1)
        /// The input of an int8 product, quantised, and its rows' scales.
        private(set) var int8 = UnsafeMutablePointer<UInt8>.allocate(capacity: 1)
        private(set) var rowScales = UnsafeMutablePointer<Float>.allocate(capacity: 1)
        private var scoreCapacity = 1

        /// Room for `tokens` rows; the bf16 and int8 inputs only for the products the weights run in.
        func reserve(tokens: Int, longest: Int, config c: BertConfig, bf16 usesBF16: Bool, int8 usesInt8: Bool) {
            if tokens > capacity {
                for p in [x, tmp, ctx, qkv, mid, rowScales] { p.deallocate() }
                bf16.deallocate()
                int8.deallocate()
                capacity = max(tokens, capacity * 2)
                let widest = max(c.hidden, c.intermediate)
                bf16 = .allocate(capacity: usesBF16 ? capacity * widest : 1)
                int8 = .allocate(capacity: usesInt8 ? capacity * widest : 1)
                rowScales = .allocate(capacity: usesInt8 ? capacity : 1)
                x = .allocate(capacity: capacity * c.hidden)
                tmp = .allocate(capacity: capacity * c.hidden)
                ctx = .allocate(capacity: capacity * c.hidden)
                qkv = .allocate(capacity: capacity * 3 * c.hidden)
                mid = .allocate(capacity: capacity * c.intermediate)
            }
            let need = max(longest * longest, ck_attention32_scratch(longest))
            if need > scoreCapacity {
                scores.deallocate()
                scoreCapacity = need
                scores = .allocate(capacity: scoreCapacity)
            }
        }

        func swapHidden() { swap(&x, &tmp) }

        deinit {
            for p in [x, tmp, ctx, qkv, mid, scores, rowScales] { p.deallocate() }
            bf16.deallocate()
            int8.deallocate()
        }
    }

    /// Writes one normalised embedding per sequence into `out` (row-major, `hidden` wide).
    func embed(_ sequences: [[Int32]], into out: UnsafeMutablePointer<Float>, workspace ws: Workspace) {
        let h = config.hidden
        let lengths = sequences.map(\.count)
        let tokens = lengths.reduce(0, +)
        guard tokens > 0 else { return }
        ws.reserve(
            tokens: tokens, longest: lengths.max() ?? 1, config: config, bf16: weights.layers.first?.upBF16 != nil,
            int8: weights.layers.first?.int8 != nil)
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
        if let q = l.int8 { return encodeInt8(l, q, lengths: lengths, tokens: t, ws) }
        let h = config.hidden, i = config.intermediate
        ck_fill_rows(ws.qkv, l.qkvBias, t, 3 * h)
        linear(ws.x, t, inputs: h, l.qkv, outputs: 3 * h, into: ws.qkv, accumulate: true)
        attention(lengths: lengths, ws)
        linear(ws.ctx, t, inputs: h, l.attnOut, outputs: h, into: ws.tmp)
        ck_layernorm_rows(ws.tmp, l.attnOutBias, ws.x, l.ln1Gamma, l.ln1Beta, t, h, config.layerNormEps)
        ws.swapHidden()
        if let up = l.upBF16, let down = l.downBF16 {
            ck_bf16_gemm(ws.x, t, h, up, i, ws.mid, ws.bf16)
            ck_gelu_bias(ws.mid, l.upBias, t, i)
            ck_bf16_gemm(ws.mid, t, i, down, h, ws.tmp, ws.bf16)
        } else {
            linear(ws.x, t, inputs: h, l.up, outputs: i, into: ws.mid)
            ck_gelu_bias(ws.mid, l.upBias, t, i)
            linear(ws.mid, t, inputs: i, l.down, outputs: h, into: ws.tmp)
        }
        ck_layernorm_rows(ws.tmp, l.downBias, ws.x, l.ln2Gamma, l.ln2Beta, t, h, config.layerNormEps)
        ws.swapHidden()
    }

    /// The same layer with every linear product in int8 (attention, GELU and LayerNorm in float).
    private func encodeInt8(
        _ l: BertWeights.Layer,
        _ q: (
            qkv: BertWeights.QuantizedMatrix, attnOut: BertWeights.QuantizedMatrix, up: BertWeights.QuantizedMatrix,
            down: BertWeights.QuantizedMatrix
        ), lengths: [Int], tokens t: Int, _ ws: Workspace
    ) {
        let h = config.hidden
        linear8(ws.x, t, q.qkv, bias: l.qkvBias, into: ws.qkv, ws)
        attention(lengths: lengths, ws)
        linear8(ws.ctx, t, q.attnOut, bias: nil, into: ws.tmp, ws)
        ck_layernorm_rows(ws.tmp, l.attnOutBias, ws.x, l.ln1Gamma, l.ln1Beta, t, h, config.layerNormEps)
        ws.swapHidden()
        linear8(ws.x, t, q.up, bias: nil, into: ws.mid, ws)
        ck_gelu_bias(ws.mid, l.upBias, t, config.intermediate)
        linear8(ws.mid, t, q.down, bias: nil, into: ws.tmp, ws)
        ck_layernorm_rows(ws.tmp, l.downBias, ws.x, l.ln2Gamma, l.ln2Beta, t, h, config.layerNormEps)
        ws.swapHidden()
    }

    private func linear8(
        _ x: UnsafePointer<Float>, _ rows: Int, _ w: BertWeights.QuantizedMatrix, bias: [Float]?, into y: UnsafeMutablePointer<Float>,
        _ ws: Workspace
    ) {
        ck_i8_gemm(x, rows, w.inputs, w.packed, w.scales, w.sums, bias, w.outputs, y, ws.int8, ws.rowScales)
    }

    /// y = x · Wᵀ (or y += x · Wᵀ), with W stored (outputs, inputs) as PyTorch keeps it. Biases are
    /// added by the element-wise pass that follows.
    private func linear(
        _ x: UnsafePointer<Float>, _ rows: Int, inputs: Int, _ w: [Float], outputs: Int, into y: UnsafeMutablePointer<Float>,
        accumulate: Bool = false
    ) {
        cblas_sgemm(
            CblasRowMajor, CblasNoTrans, CblasTrans, Int32(rows), Int32(outputs), Int32(inputs), 1, x, Int32(inputs), w, Int32(inputs),
            accumulate ? 1 : 0, y, Int32(outputs))
    }

    /// Scaled dot-product attention per sequence and head, reading Q, K, V in place from the packed
    /// QKV matrix and writing each head's output into its columns of `ctx`.
    private func attention(lengths: [Int], _ ws: Workspace) {
        let h = config.hidden, d = config.headDim, ld = Int32(3 * h)
        let scale = 1 / Float(d).squareRoot()
        var row = 0
        for n in lengths {
            let n32 = Int32(n)
            for head in 0..<config.heads {
                let q = ws.qkv + row * 3 * h + head * d
                if d == 32 {
                    ck_attention32(q, q + h, q + 2 * h, 3 * h, n, scale, ws.ctx + row * h + head * d, h, ws.scores)
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
