import GRDB
import KuraCore
import KuraIndex
import KuraText

/// A collection's settings, as stored in the catalog.
public struct CollectionInfo: Sendable, Equatable {
    /// The catalog's id of the collection.
    public var id: Int64
    /// The collection's name, unique in the store.
    public var name: String
    /// Values per vector.
    public var dimension: Int
    /// The distance dense search ranks by.
    public var metric: Metric
    /// The id of the embedder its vectors come from (`Embedder.id`); empty when none was named at creation.
    public var embedder: String
    /// The parameters of its segments' graphs.
    public var parameters: HNSWParameters
    /// The growing graph becomes a segment when it holds this many vectors.
    public var sealThreshold: Int
    /// How chunk text and query text become lexical terms; fixed at creation.
    public var analyzer: AnalyzerName

    /// The seal threshold new collections get.
    public static let defaultSealThreshold = 50_000

    /// The construction effort of the growing graph. Writes pay for graph insertion as they arrive, so
    /// the growing graph (and the segment sealed from it) is built light, like a growing segment in
    /// Milvus; compaction rebuilds every light segment with the collection's `ef_construction`. At 32
    /// against 200 an insert costs about a quarter, and recall@10 at ef 64 on docs384 is 0.98 against 0.99.
    public static let growingEfConstruction = 32

    /// The parameters of the growing graph: the collection's, with the construction effort capped.
    public var growingParameters: HNSWParameters {
        var p = parameters
        p.efConstruction = min(p.efConstruction, Self.growingEfConstruction)
        return p
    }

    /// Names are what users type in URLs and paths: letters, digits, `-`, `_`, `.`, not starting with `.`.
    public static func validate(name: String) throws {
        let ok =
            !name.isEmpty && name.count <= 128 && !name.hasPrefix(".")
            && name.unicodeScalars.allSatisfy { ($0.isASCII && ($0.properties.isAlphabetic || ("0"..."9").contains($0))) || "-_.".unicodeScalars.contains($0) }
        guard ok else {
            throw KuraError.invalidArgument("invalid collection name '\(name)': use 1-128 letters, digits, '-', '_' or '.', not starting with '.'")
        }
    }

    init(row: Row) throws {
        id = row["id"]
        name = row["name"]
        dimension = row["dimension"]
        let metricName: String = row["metric"]
        let encodingName: String = row["encoding"]
        guard let metric = Metric(name: metricName), let encoding = VectorEncoding(rawValue: encodingName) else {
            throw KuraError.corruptFile(path: "catalog", reason: "collection \(name) has metric '\(metricName)' / encoding '\(encodingName)'")
        }
        self.metric = metric
        embedder = row["embedder"]
        parameters = HNSWParameters(m: row["m"], efConstruction: row["ef_construction"], efSearch: row["ef_search"], encoding: encoding)
        sealThreshold = row["seal_threshold"]
        let analyzerName: String = row["analyzer"]
        guard let analyzer = AnalyzerName(rawValue: analyzerName) else {
            throw KuraError.corruptFile(path: "catalog", reason: "collection \(name) has analyzer '\(analyzerName)', which this build does not know")
        }
        self.analyzer = analyzer
    }

    /// A collection's settings, with the defaults above (the catalog assigns `id` on creation).
    public init(
        id: Int64 = 0, name: String, dimension: Int, metric: Metric, embedder: String = "", parameters: HNSWParameters = HNSWParameters(),
        sealThreshold: Int = defaultSealThreshold, analyzer: AnalyzerName = .default
    ) {
        self.id = id
        self.name = name
        self.dimension = dimension
        self.metric = metric
        self.embedder = embedder
        self.parameters = parameters
        self.sealThreshold = sealThreshold
        self.analyzer = analyzer
    }
}
