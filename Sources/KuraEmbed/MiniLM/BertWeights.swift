import CKuraKernels
import KuraCore

/// The weights of a BERT encoder in the layout the forward pass multiplies with: PyTorch's (out, in)
/// matrices as stored, used transposed by sgemm; query, key and value stacked into one (3h, h) matrix.
struct BertWeights: Sendable {
    struct Layer: Sendable {
        var qkv: [Float], qkvBias: [Float]
        var attnOut: [Float], attnOutBias: [Float]
        var ln1Gamma: [Float], ln1Beta: [Float]
        var up: [Float], upBias: [Float]
        var down: [Float], downBias: [Float]
        var ln2Gamma: [Float], ln2Beta: [Float]
        /// `up` and `down` packed in bf16 when the feed-forward runs in bf16 (see `MiniLMEmbedder.Precision`).
        var upBF16: [UInt16]?, downBF16: [UInt16]?
        /// Every linear layer quantised when they run in int8.
        var int8: (qkv: QuantizedMatrix, attnOut: QuantizedMatrix, up: QuantizedMatrix, down: QuantizedMatrix)?
    }

    /// A matrix in the int8 kernel's layout with its per-output scales and quantised row sums.
    struct QuantizedMatrix: Sendable {
        let packed: [Int8], scales: [Float], sums: [Int32]
        let outputs: Int, inputs: Int

        /// W (outputs × inputs), or nil for a shape the kernel does not take.
        init?(_ w: [Float], outputs: Int, inputs: Int) {
            let count = ck_i8_packed_count(outputs, inputs)
            guard count > 0 else { return nil }
            var scales = [Float](repeating: 0, count: outputs), sums = [Int32](repeating: 0, count: outputs)
            packed = [Int8](unsafeUninitializedCapacity: count) { buf, n in
                ck_i8_pack(w, outputs, inputs, buf.baseAddress!, &scales, &sums)
                n = count
            }
            (self.scales, self.sums, self.outputs, self.inputs) = (scales, sums, outputs, inputs)
        }
    }

    var word: [Float], position: [Float], tokenType: [Float]
    var embGamma: [Float], embBeta: [Float]
    var layers: [Layer]

    init(_ f: SafeTensors, config c: BertConfig, feedForwardInBF16: Bool = false, int8: Bool = false) throws {
        let h = c.hidden
        word = try f.floats("embeddings.word_embeddings.weight", shape: [c.vocabSize, h])
        position = try f.floats("embeddings.position_embeddings.weight", shape: [c.maxPositions, h])
        tokenType = try f.floats("embeddings.token_type_embeddings.weight", shape: [c.typeVocabSize, h])
        embGamma = try f.floats("embeddings.LayerNorm.weight", shape: [h])
        embBeta = try f.floats("embeddings.LayerNorm.bias", shape: [h])
        layers = try (0..<c.layers).map { i in
            let p = "encoder.layer.\(i)."
            func w(_ n: String, _ shape: [Int]) throws -> [Float] { try f.floats(p + n, shape: shape) }
            let qkv = try ["query", "key", "value"].flatMap { try w("attention.self.\($0).weight", [h, h]) }
            let qkvBias = try ["query", "key", "value"].flatMap { try w("attention.self.\($0).bias", [h]) }
            return Layer(
                qkv: qkv, qkvBias: qkvBias,
                attnOut: try w("attention.output.dense.weight", [h, h]), attnOutBias: try w("attention.output.dense.bias", [h]),
                ln1Gamma: try w("attention.output.LayerNorm.weight", [h]), ln1Beta: try w("attention.output.LayerNorm.bias", [h]),
                up: try w("intermediate.dense.weight", [c.intermediate, h]), upBias: try w("intermediate.dense.bias", [c.intermediate]),
                down: try w("output.dense.weight", [h, c.intermediate]), downBias: try w("output.dense.bias", [h]),
                ln2Gamma: try w("output.LayerNorm.weight", [h]), ln2Beta: try w("output.LayerNorm.bias", [h]))
        }
        if int8 {
            for i in layers.indices {
                let l = layers[i]
                guard let qkv = QuantizedMatrix(l.qkv, outputs: 3 * h, inputs: h), let out = QuantizedMatrix(l.attnOut, outputs: h, inputs: h),
                    let up = QuantizedMatrix(l.up, outputs: c.intermediate, inputs: h),
                    let down = QuantizedMatrix(l.down, outputs: h, inputs: c.intermediate)
                else { break }
                layers[i].int8 = (qkv, out, up, down)
            }
        }
        if feedForwardInBF16 {
            for i in layers.indices {
                layers[i].upBF16 = Self.packBF16(layers[i].up, outputs: c.intermediate, inputs: h)
                layers[i].downBF16 = Self.packBF16(layers[i].down, outputs: h, inputs: c.intermediate)
            }
        }
    }

    /// W (outputs × inputs) in the kernel's bf16 layout, or nil for a shape it does not take.
    static func packBF16(_ w: [Float], outputs: Int, inputs: Int) -> [UInt16]? {
        let count = ck_bf16_packed_count(outputs, inputs)
        guard count > 0 else { return nil }
        return [UInt16](unsafeUninitializedCapacity: count) { buf, n in
            ck_bf16_pack(w, outputs, inputs, buf.baseAddress!)
            n = count
        }
    }
}
