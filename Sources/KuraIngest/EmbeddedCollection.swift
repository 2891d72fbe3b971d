import KuraCore
import KuraEmbed
import KuraStore
import KuraText

/// Opens the collection an embedder writes into, creating it with the embedder's dimension (and
/// `analyzer`) if it does not exist, and refusing one built with another embedder (its vectors would not be
/// comparable) or, when `analyzer` is given, with another analyzer.
public enum EmbeddedCollection {
    /// The collection `name` in `store`, created when it does not exist.
    /// - Throws: `KuraError.invalidArgument` when it exists with another embedder, dimension or analyzer;
    /// what the store throws.
    public static func open(_ store: Store, name: String, embedder: any Embedder, analyzer: AnalyzerName? = nil) throws -> DocumentCollection {
        if try store.listCollections().contains(where: { $0.name == name }) {
            let c = try store.collection(name)
            if !c.info.embedder.isEmpty && c.info.embedder != embedder.id {
                throw KuraError.invalidArgument(
                    "collection '\(name)' was built with embedder \(c.info.embedder), not \(embedder.id); use that embedder or another collection")
            }
            if c.info.dimension != embedder.dimension && embedder.dimension > 0 {
                throw KuraError.invalidArgument("collection '\(name)' has dimension \(c.info.dimension); embedder \(embedder.id) gives \(embedder.dimension)")
            }
            if let analyzer, analyzer != c.info.analyzer {
                throw KuraError.invalidArgument(
                    "collection '\(name)' uses the \(c.info.analyzer.rawValue) analyzer, not \(analyzer.rawValue); an analyzer is chosen at creation")
            }
            return c
        }
        let dimension = try embedder.resolvedDimension()
        _ = try store.createCollection(CollectionInfo(name: name, dimension: dimension, metric: .cosine, embedder: embedder.id, analyzer: analyzer ?? .default))
        return try store.collection(name)
    }
}
