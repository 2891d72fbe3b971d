import CKuraKernels
import COpenBLAS
import Dispatch
import Foundation
import KuraCore
import Synchronization

/// all-MiniLM-L6-v2 in process: its WordPiece tokenizer and BERT encoder, read from a model folder
/// holding `model.safetensors`, `config.json` and `vocab.txt` (plus `tokenizer.json` for settings).
///
/// Parallel over batches, one OpenBLAS thread per worker: small sgemms scale better side by side than
/// split inside the library.
public final class MiniLMEmbedder: Embedder, @unchecked Sendable {
    /// all-MiniLM-L6-v2 learnt English: its vocabulary holds CJK characters one by one, and its vectors
    /// of Japanese text rank known items no better than chance (MRR@10 0.05 on the man pages set).
    public var coversCJK: Bool { false }

    /// Where `make model` unpacks the model, relative to the working directory.
    public static let defaultModelDirectory = "models/all-MiniLM-L6-v2"
    /// Texts per forward pass: large enough for efficient sgemm, small enough to spread over threads.
    public static let batchSize = 16

    /// The arithmetic of the linear layers (the attention projections and the feed-forward). With bf16,
    /// f16 or int16, attention's two products run in 12-bit integers where the CPU has AVX512-VNNI (its
    /// error is of the order of theirs); softmax, GELU and LayerNorm always run in float.
    public enum Precision: String, Sendable, CaseIterable {
        /// OpenBLAS sgemm throughout.
        case f32
        /// Every linear layer's inputs and weights rounded to bf16, products accumulated in float: on
        /// AVX512-BF16 one instruction does 32 multiply-adds, and the embeddings stay within cosine
        /// 0.99997 of the reference (0.999985 on average), as with bf16 in the feed-forward alone. (int8
        /// in place of bf16 keeps 0.9995 only in the attention output: query-key-value 0.991, up 0.995,
        /// down 0.996.)
        case bf16
        /// Every linear layer's inputs and weights rounded to IEEE binary16 (11-bit significands, three
        /// more than bf16's), products summed in binary16 (32 at most per partial sum) and the partial sums in float: on
        /// AVX512-FP16 one instruction does 32 multiply-adds, and on CPUs where bf16's instruction runs at
        /// no more than float's rate (Intel's), this is the faster one.
        case f16
        /// Every linear layer in int8: weights quantised per output channel, each layer's input per
        /// token (dynamic), products summed exactly in int32 by AVX512-VNNI; attention, GELU and LayerNorm
        /// in float. 1.5–1.8× the float rate, but its embeddings are further from the float model's
        /// (cosine 0.9857 at worst on the reference set, 0.9954 on average; weights alone quantised per
        /// channel give 0.9965), so it runs only when asked for.
        case int8
        /// Every linear layer in 12-bit integers held in int16 lanes: weights quantised per output channel,
        /// each layer's input per token, products summed exactly in int32 over blocks of 128 inputs by
        /// AVX512-VNNI's VPDPWSSD (two products per lane, as bf16's instruction), or AVX2's VPMADDWD on CPUs
        /// without it (the same integers). Closer to float than bf16 (cosine 0.9999969 at worst over 400
        /// pydocs passages, bf16 0.9999641) at bf16's rate, on CPUs with VNNI that lack AVX512-BF16 (Intel's
        /// Cascade Lake and Ice Lake) as well, and twice float's multiply-add rate on AVX2 alone.
        case int16

        /// bf16 where the CPU runs it natively, else f32; `KURA_MINILM_PRECISION` names another (f32,
        /// bf16, f16, int8, int16). None of bf16, f16, int8 or int16 is chosen without native support: the
        /// portable products are slow scalar references.
        public static func automatic(environment: [String: String] = ProcessInfo.processInfo.environment) -> Precision {
            switch environment["KURA_MINILM_PRECISION"] {
            case "f32": .f32
            case "int8" where ck_i8_native() != 0: .int8
            case "int16" where ck_i16_native() != 0: .int16
            case "f16" where ck_f16_native() != 0: .f16
            default: ck_bf16_native() != 0 ? .bf16 : .f32
            }
        }
    }

    /// The model's WordPiece tokenizer (also the token counter for chunking and budgets).
    public let tokenizer: WordPieceTokenizer
    /// Forward passes run at once, one per lane.
    public let threads: Int
    /// The model's name, recorded with collections.
    public var id: String { "minilm:all-MiniLM-L6-v2" }
    /// The hidden width: 384.
    public var dimension: Int { encoder.config.hidden }
    /// The tokenizer.
    public var tokenCounter: any TokenCounter { tokenizer }
    /// Word pieces per input; [CLS] and [SEP] take the last two of the model's positions.
    public var maxTokens: Int? { tokenizer.maxLength - 2 }
    var encoder: BertEncoder { lanes.encoder }
    private let lanes: Lanes
    /// Small calls (a query each) made together while the lanes are busy share one forward pass.
    private let coalescer: Coalescer<[Int32], [Float]>

    /// The folder from `--model-dir`, else `$KURA_MODEL_DIR`, else `models/all-MiniLM-L6-v2`.
    public static func modelDirectory(_ option: String?, environment: [String: String] = ProcessInfo.processInfo.environment) -> URL {
        URL(fileURLWithPath: option ?? environment["KURA_MODEL_DIR"] ?? defaultModelDirectory)
    }

    /// The precision the linear layers run in.
    public let precision: Precision
    /// How `precision` was chosen, when it was measured (see ``PrecisionChoice``).
    public let choice: PrecisionChoice?

    /// Loads the model in `dir` (`model.safetensors`, `config.json`, `vocab.txt`, `tokenizer.json`) with
    /// `threads` lanes, texts truncated to `maxLength` word pieces, the linear layers in `precision`.
    /// - Throws: `KuraError.notFound` without the weights; `.corruptFile` for a config, vocabulary or
    /// weights file that cannot be read or does not match the model.
    public init(
        modelDirectory dir: URL, threads: Int = ProcessInfo.processInfo.activeProcessorCount, maxLength: Int = 256,
        precision: Precision = .automatic(), choice: PrecisionChoice? = nil
    ) throws {
        let weightsPath = dir.appendingPathComponent("model.safetensors").path
        guard FileManager.default.fileExists(atPath: weightsPath) else {
            throw KuraError.notFound("no model at \(dir.path) (model.safetensors is missing); run `make model` or pass --model-dir")
        }
        let config = try BertConfig(url: dir.appendingPathComponent("config.json"))
        tokenizer = try WordPieceTokenizer(modelDirectory: dir, maxLength: min(maxLength, config.maxPositions))
        self.precision = precision
        self.choice = choice
        let weights = try BertWeights(
            SafeTensors(path: weightsPath), config: config, bf16: precision == .bf16 ? BertWeights.Product.all : [],
            f16: precision == .f16 ? BertWeights.Product.all : [],
            int8: precision == .int8 ? BertWeights.Product.all : [], int16: precision == .int16 ? BertWeights.Product.all : [])
        let encoder = BertEncoder(config: config, weights: weights)
        guard tokenizer.vocabularySize == config.vocabSize else {
            throw KuraError.corruptFile(path: dir.path, reason: "vocab.txt has \(tokenizer.vocabularySize) tokens, the model \(config.vocabSize)")
        }
        self.threads = max(1, threads)
        let lanes = Lanes(encoder: encoder, count: self.threads)
        self.lanes = lanes
        openblas_set_num_threads(1)
        coalescer = Coalescer(lanes: self.threads, maxBatch: Self.batchSize) { lanes.onePass($0) }
    }

    /// Fewer texts than a batch (a query) join whatever other small calls are waiting for a lane.
    public func embed(_ texts: [String]) throws -> [[Float]] {
        if texts.count < Self.batchSize { return coalescer(texts.map(tokenizer.encode)) }
        return forEachBatch(texts.count) { range in texts[range].map(tokenizer.encode) }
    }

    /// Embeds token id sequences, each with [CLS] ... [SEP].
    public func embed(tokenIds: [[Int32]]) -> [[Float]] {
        if tokenIds.count < Self.batchSize { return coalescer(tokenIds) }
        return forEachBatch(tokenIds.count) { range in Array(tokenIds[range]) }
    }

    /// Runs `batchSize` inputs per forward pass, the batches spread over the worker threads; each
    /// worker tokenises its own batch.
    private func forEachBatch(_ n: Int, _ sequences: (Range<Int>) -> [[Int32]]) -> [[Float]] {
        let h = dimension
        guard n > 0 else { return [] }
        let flat = UnsafeMutablePointer<Float>.allocate(capacity: n * h)
        defer { flat.deallocate() }
        let batches = (n + Self.batchSize - 1) / Self.batchSize
        let next = Atomic<Int>(0)
        let out = UncheckedPointer(flat)
        withoutActuallyEscaping(sequences) { sequences in
            let work = UncheckedClosure(sequences)
            DispatchQueue.concurrentPerform(iterations: min(threads, batches)) { _ in
                lanes.withLane { encoder, ws in
                    while true {
                        let b = next.wrappingAdd(1, ordering: .relaxed).oldValue
                        guard b < batches else { break }
                        let lo = b * Self.batchSize, hi = min(n, lo + Self.batchSize)
                        encoder.embed(work.body(lo..<hi), into: out.pointer + lo * h, workspace: ws)
                    }
                }
            }
        }
        return (0..<n).map { Array(UnsafeBufferPointer(start: flat + $0 * h, count: h)) }
    }
}

/// The encoder's lanes: forward passes running at once, across every caller, each with a workspace.
/// More than the cores only adds workspaces (tens of megabytes each) and contention, so callers beyond
/// them wait here (or, for queries, in the coalescer).
private final class Lanes: Sendable {
    let encoder: BertEncoder
    private let running: DispatchSemaphore
    private let workspaces = Mutex<[BertEncoder.Workspace]>([])

    init(encoder: BertEncoder, count: Int) {
        self.encoder = encoder
        running = DispatchSemaphore(value: count)
    }

    /// Runs `body` holding a lane and a workspace.
    func withLane<T>(_ body: (BertEncoder, BertEncoder.Workspace) -> T) -> T {
        running.wait()
        let ws = workspaces.withLock { $0.popLast() } ?? BertEncoder.Workspace()
        defer {
            workspaces.withLock { $0.append(ws) }
            running.signal()
        }
        return body(encoder, ws)
    }

    /// One forward pass over `sequences` on the calling thread.
    func onePass(_ sequences: [[Int32]]) -> [[Float]] {
        let h = encoder.config.hidden
        var flat = [Float](repeating: 0, count: sequences.count * h)
        withLane { encoder, ws in flat.withUnsafeMutableBufferPointer { encoder.embed(sequences, into: $0.baseAddress!, workspace: ws) } }
        return (0..<sequences.count).map { Array(flat[$0 * h..<($0 + 1) * h]) }
    }
}

/// A batch source shared by worker threads; it only reads the caller's inputs.
private struct UncheckedClosure: @unchecked Sendable {
    let body: (Range<Int>) -> [[Int32]]
    init(_ body: @escaping (Range<Int>) -> [[Int32]]) { self.body = body }
}

/// A pointer handed to worker threads that write disjoint rows.
struct UncheckedPointer: @unchecked Sendable {
    let pointer: UnsafeMutablePointer<Float>
    init(_ p: UnsafeMutablePointer<Float>) { pointer = p }
}
