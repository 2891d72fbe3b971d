import CKuraKernels
import KuraCore

/// The weights of a BERT encoder in the layout the forward pass multiplies with: PyTorch's (out, in)
/// matrices as stored, used transposed by sgemm; query, key and value stacked into one (3h, h) matrix.
struct BertWeights: Sendable {
    struct Layer: Sendable {
        var qkv: Linear, qkvBias: [Float]
        var attnOut: Linear, attnOutBias: [Float]
        var ln1Gamma: [Float], ln1Beta: [Float]
        var up: Linear, upBias: [Float]
        var down: Linear, downBias: [Float]
        var ln2Gamma: [Float], ln2Beta: [Float]

        subscript(product: Product) -> Linear {
            get {
                switch product {
                case .qkv: qkv
                case .attnOut: attnOut
                case .up: up
                case .down: down
                }
            }
            set {
                switch product {
                case .qkv: qkv = newValue
                case .attnOut: attnOut = newValue
                case .up: up = newValue
                case .down: down = newValue
                }
            }
        }
    }

    /// The four linear products of a layer.
    enum Product: String, Sendable, CaseIterable {
        case qkv, attnOut, up, down

        static var all: Set<Product> { Set(allCases) }
    }

    /// One linear layer's matrix W (outputs × inputs) in float, with the copy its product runs in when
    /// that is not float: bf16 or binary16 in the kernels' packed layout, or int8 or 12-bit quantised.
    struct Linear: Sendable {
        let weights: [Float]
        let outputs: Int, inputs: Int
        var bf16: [UInt16]?
        var f16: [UInt16]?
        var int8: QuantizedMatrix?
        var int16: Int16Matrix?

        init(_ weights: [Float], outputs: Int, inputs: Int) {
            (self.weights, self.outputs, self.inputs) = (weights, outputs, inputs)
        }

        /// Packs the bf16 copy (kept float for a shape the kernel does not take).
        mutating func packBF16() { bf16 = packed(ck_bf16_packed_count, ck_bf16_pack) }

        /// Packs the binary16 copy (kept float for a shape the kernel does not take).
        mutating func packF16() { f16 = packed(ck_f16_packed_count, ck_f16_pack) }

        /// W in a 16-bit kernel's packed form; nil for a shape it does not take.
        private func packed(
            _ count: (Int, Int) -> Int, _ pack: (UnsafePointer<Float>?, Int, Int, UnsafeMutablePointer<UInt16>?) -> Void
        ) -> [UInt16]? {
            let values = count(outputs, inputs)
            guard values > 0 else { return nil }
            return [UInt16](unsafeUninitializedCapacity: values) { buf, n in
                pack(weights, outputs, inputs, buf.baseAddress!)
                n = values
            }
        }

        /// Quantises the int8 copy (kept float for a shape the kernel does not take).
        mutating func quantize() { int8 = QuantizedMatrix(weights, outputs: outputs, inputs: inputs) }

        /// Quantises the 12-bit copy (kept float for a shape the kernel does not take).
        mutating func quantize16() { int16 = Int16Matrix(weights, outputs: outputs, inputs: inputs) }
    }

    /// A matrix in the 12-bit kernel's layout (int16 lanes) with its per-output scales.
    struct Int16Matrix: Sendable {
        let packed: [Int16], scales: [Float]
        let outputs: Int, inputs: Int

        /// W (outputs × inputs), or nil for a shape the kernel does not take.
        init?(_ w: [Float], outputs: Int, inputs: Int) {
            let count = ck_i16_packed_count(outputs, inputs)
            guard count > 0 else { return nil }
            var scales = [Float](repeating: 0, count: outputs)
            packed = [Int16](unsafeUninitializedCapacity: count) { buf, n in
                ck_i16_pack(w, outputs, inputs, buf.baseAddress!, &scales)
                n = count
            }
            (self.scales, self.outputs, self.inputs) = (scales, outputs, inputs)
        }
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

    /// Reads the weights from `f`; the products in `bf16` get bf16 copies, those in `f16` binary16 ones,
    /// those in `int8` int8 ones and those in `int16` 12-bit ones (int8 wins where a product is in several,
    /// then 12-bit, then binary16).
    /// - Throws: `KuraError.corruptFile` for a missing tensor or one of another shape.
    init(
        _ f: SafeTensors, config c: BertConfig, bf16: Set<Product> = [], f16: Set<Product> = [], int8: Set<Product> = [],
        int16: Set<Product> = []
    ) throws {
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
                qkv: Linear(qkv, outputs: 3 * h, inputs: h), qkvBias: qkvBias,
                attnOut: Linear(try w("attention.output.dense.weight", [h, h]), outputs: h, inputs: h),
                attnOutBias: try w("attention.output.dense.bias", [h]),
                ln1Gamma: try w("attention.output.LayerNorm.weight", [h]), ln1Beta: try w("attention.output.LayerNorm.bias", [h]),
                up: Linear(try w("intermediate.dense.weight", [c.intermediate, h]), outputs: c.intermediate, inputs: h),
                upBias: try w("intermediate.dense.bias", [c.intermediate]),
                down: Linear(try w("output.dense.weight", [h, c.intermediate]), outputs: h, inputs: c.intermediate),
                downBias: try w("output.dense.bias", [h]),
                ln2Gamma: try w("output.LayerNorm.weight", [h]), ln2Beta: try w("output.LayerNorm.bias", [h]))
        }
        for i in layers.indices {
            let integer = int8.union(int16)
            for p in int8 { layers[i][p].quantize() }
            for p in int16.subtracting(int8) { layers[i][p].quantize16() }
            for p in f16.subtracting(integer) { layers[i][p].packF16() }
            for p in bf16.subtracting(integer).subtracting(f16) { layers[i][p].packBF16() }
        }
        let copies = layers.flatMap { l in Product.allCases.map { l[$0] } }
        usesBF16 = copies.contains { $0.bf16 != nil }
        usesF16 = copies.contains { $0.f16 != nil }
        usesInt8 = copies.contains { $0.int8 != nil }
        usesInt16 = copies.contains { $0.int16 != nil }
    }

    /// Whether any product runs in bf16 / binary16 / int8 / 12-bit (the workspace then holds room for its
    /// rounded input).
    private(set) var usesBF16 = false, usesF16 = false, usesInt8 = false, usesInt16 = false
}
