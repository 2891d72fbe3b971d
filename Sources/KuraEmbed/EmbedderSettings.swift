import Foundation
import KuraCore

/// Which embedder to build, and with what; the CLI and the server fill it from options and environment.
public struct EmbedderSettings: Sendable {
    /// The embedders Kura can build: the native MiniLM, an OpenAI-compatible server, feature hashing (tests).
    public enum Kind: String, CaseIterable, Sendable {
        case minilm, openai, hash
    }

    /// Which embedder to build.
    public var kind: Kind = .minilm
    /// The native model's folder.
    public var modelDirectory = URL(fileURLWithPath: MiniLMEmbedder.defaultModelDirectory)
    /// The OpenAI-compatible server's base URL (`http://host:port`, with or without `/v1`).
    public var url: String?
    /// The `model` field sent to that server.
    public var model: String?
    /// The bearer token for that server, if it wants one.
    public var apiKey: String?
    /// The hashing embedder's width, or the dimension a remote server must return.
    public var dimension: Int?
    /// Threads for the native embedder's forward passes.
    public var threads = ProcessInfo.processInfo.activeProcessorCount
    /// Where the native embedder caches its precision measurement (the data directory); nil measures
    /// at every start.
    public var cacheDirectory: String?

    /// The defaults: the native MiniLM from its default folder, on every core.
    public init() {}

    /// Builds the embedder; the native one measures (or reads the cached choice of) its precision first.
    /// - Throws: `KuraError.notFound` without the model's files, `.invalidArgument` for the openai kind
    /// without a server URL or with one that is not http(s), `.corruptFile` for unreadable weights.
    public func make() throws -> any Embedder {
        switch kind {
        case .minilm:
            let choice = try PrecisionChoice.choose(modelDirectory: modelDirectory, cacheDirectory: cacheDirectory)
            return try MiniLMEmbedder(modelDirectory: modelDirectory, threads: threads, precision: choice.chosen, choice: choice)
        case .hash:
            return HashEmbedder(dimension: dimension ?? 384)
        case .openai:
            guard let url, !url.isEmpty else { throw KuraError.invalidArgument("the openai embedder needs a server URL (--embed-url)") }
            return try RemoteEmbedder(
                configuration: RemoteEmbedder.Configuration(baseURL: url, model: model ?? "", apiKey: apiKey, dimension: dimension))
        }
    }
}
