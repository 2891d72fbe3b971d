/// Turns text into vectors. Every provider returns one vector per input, in input order, and throws
/// rather than return a partial result, so a failed batch writes nothing.
public protocol Embedder: Sendable {
    /// Recorded with a collection, so queries are embedded the way its documents were.
    var id: String { get }
    /// Values per vector.
    var dimension: Int { get }
    /// Counts tokens as this embedder sees them; the chunker and context budgets use it.
    var tokenCounter: any TokenCounter { get }
    /// The most tokens one input can carry before the embedder truncates it; nil when unknown.
    var maxTokens: Int? { get }
    /// Whether the model was trained on Chinese, Japanese and Korean text. When it was not, its vectors
    /// of such text are noise, and hybrid search ranks CJK queries by their lexical list alone.
    var coversCJK: Bool { get }
    /// One vector per text, in order; throws rather than return part of them.
    func embed(_ texts: [String]) throws -> [[Float]]
    /// The dimension, asking a remote server when it is not known yet.
    func resolvedDimension() throws -> Int
}

extension Embedder {
    /// Unknown unless an embedder says otherwise.
    public var maxTokens: Int? { nil }
    /// Unknown models (a remote server's) are taken to cover every script.
    public var coversCJK: Bool { true }
    /// The dimension as known now; embedders that must ask a server override it.
    public func resolvedDimension() throws -> Int { dimension }
}
