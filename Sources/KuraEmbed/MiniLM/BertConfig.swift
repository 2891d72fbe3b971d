import Foundation
import KuraCore

/// The fields of a BERT `config.json` the forward pass needs.
public struct BertConfig: Sendable, Equatable {
    /// Word-piece ids in the vocabulary.
    public var vocabSize = 30522
    /// The hidden width (and the embedding's dimension).
    public var hidden = 384
    /// Encoder layers.
    public var layers = 6
    /// Attention heads per layer.
    public var heads = 12
    /// The feed-forward layer's inner width.
    public var intermediate = 1536
    /// Positions the model has embeddings for.
    public var maxPositions = 512
    /// Token types the model has embeddings for.
    public var typeVocabSize = 2
    /// LayerNorm's epsilon.
    public var layerNormEps: Float = 1e-12

    /// all-MiniLM-L6-v2's configuration.
    public init() {}

    /// Reads a `config.json`, keeping the defaults above for fields it lacks.
    /// - Throws: `KuraError.corruptFile` when the file cannot be read as JSON, its activation is not exact GELU,
    /// or its hidden width is not a multiple of its heads.
    public init(url: URL) throws {
        guard let data = try? Data(contentsOf: url), let o = try? JSONSerialization.jsonObject(with: data) as? [String: Any] else {
            throw KuraError.corruptFile(path: url.path, reason: "cannot read the model config")
        }
        vocabSize = o["vocab_size"] as? Int ?? vocabSize
        hidden = o["hidden_size"] as? Int ?? hidden
        layers = o["num_hidden_layers"] as? Int ?? layers
        heads = o["num_attention_heads"] as? Int ?? heads
        intermediate = o["intermediate_size"] as? Int ?? intermediate
        maxPositions = o["max_position_embeddings"] as? Int ?? maxPositions
        typeVocabSize = o["type_vocab_size"] as? Int ?? typeVocabSize
        layerNormEps = (o["layer_norm_eps"] as? Double).map(Float.init) ?? layerNormEps
        if let act = o["hidden_act"] as? String, act != "gelu" {
            throw KuraError.corruptFile(path: url.path, reason: "activation \(act) is not supported (only exact gelu)")
        }
        guard hidden % heads == 0 else { throw KuraError.corruptFile(path: url.path, reason: "hidden size \(hidden) is not a multiple of \(heads) heads") }
    }

    /// Each head's width.
    public var headDim: Int { hidden / heads }
}
