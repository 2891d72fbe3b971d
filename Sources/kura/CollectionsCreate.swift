import ArgumentParser
import Foundation
import KuraCore
import KuraIndex
import KuraStore
import KuraText

struct CollectionsCreate: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "create", abstract: "Create a collection.")
    @OptionGroup var store: StoreOptions
    @Argument(help: "Collection name: letters, digits, '-', '_', '.'.") var name: String
    @Option(help: "Vector dimension.") var dimension: Int
    @Option(help: "cosine, ip or l2.") var metric: String = "cosine"
    @Option(help: "HNSW links per node.") var m: Int = 16
    @Option(name: .customLong("ef-construction"), help: "HNSW build candidate list.") var efConstruction: Int = 200
    @Option(name: .customLong("ef-search"), help: "Default search candidate list.") var efSearch: Int = 64
    @Option(name: .customLong("seal-threshold"), help: "Vectors in the growing graph before it is sealed into a segment.")
    var sealThreshold: Int = CollectionInfo.defaultSealThreshold
    @Option(help: "Lexical analyzer: \(AnalyzerName.allCases.map(\.rawValue).joined(separator: ", ")).")
    var analyzer: String = AnalyzerName.default.rawValue

    func validate() throws {
        guard AnalyzerName(name: analyzer) != nil else {
            throw ValidationError("unknown analyzer '\(analyzer)'; use \(AnalyzerName.allCases.map(\.rawValue).joined(separator: ", "))")
        }
        guard Metric(name: metric) != nil else { throw ValidationError("unknown metric '\(metric)'; use cosine, ip or l2") }
        guard dimension > 0 else { throw ValidationError("--dimension must be positive") }
        guard sealThreshold > 0 else { throw ValidationError("--seal-threshold must be positive") }
    }

    func run() throws {
        let params = HNSWParameters(m: m, efConstruction: efConstruction, efSearch: efSearch)
        let info = try store.open().createCollection(
            CollectionInfo(
                name: name, dimension: dimension, metric: Metric(name: metric)!, parameters: params, sealThreshold: sealThreshold,
                analyzer: AnalyzerName(name: analyzer)!))
        print("created collection \(info.name) (dimension \(info.dimension), \(info.metric.rawValue), analyzer \(info.analyzer.rawValue))")
    }
}
