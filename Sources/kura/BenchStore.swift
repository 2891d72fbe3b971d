import ArgumentParser
import Foundation
import KuraBench
import KuraCore
import KuraIndex
import KuraStore

struct BenchStore: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "store",
        abstract: "Ingest vectors into a fresh collection, then time opening it and searching it sealed against an in-memory index.")

    @Option(help: "Base vectors: .npy or .fvecs.") var base: String
    @Option(help: "Query vectors.") var queries: String
    @Option(help: "Ground truth .ivecs.") var truth: String
    @Option(name: .customLong("data-dir"), help: "An empty or new directory for the collection.") var dataDir: String
    @Option(help: "Records per upsert transaction.") var batch: Int = 1000
    @Option(name: .customLong("seal-threshold")) var sealThreshold: Int = CollectionInfo.defaultSealThreshold
    @Option var m: Int = 16
    @Option(name: .customLong("ef-construction")) var efConstruction: Int = 200
    @Option var ef: Int = 64
    @Option var limit: Int?
    @Option(help: "Fresh collections to ingest into (the median rate is reported).") var rounds: Int = 3
    @Flag(name: .customLong("no-memory-peer"), help: "Skip building the same vectors in an in-memory index (at millions of rows it doubles the run).")
    var noMemoryPeer = false

    func validate() throws {
        let existing = (try? FileManager.default.contentsOfDirectory(atPath: dataDir)) ?? []
        guard existing.isEmpty else { throw ValidationError("--data-dir \(dataDir) must be empty or absent") }
        guard batch > 0, sealThreshold > 0, ef > 0, rounds > 0 else { throw ValidationError("--batch, --seal-threshold, --ef and --rounds must be positive") }
    }

    func run() throws {
        var config = StoreBenchmark.Config(base: base, queries: queries, truth: truth, directory: dataDir)
        config.batch = batch
        config.sealThreshold = sealThreshold
        config.parameters = HNSWParameters(m: m, efConstruction: efConstruction)
        config.ef = ef
        config.limit = limit
        config.ingestRounds = rounds
        config.inMemoryPeer = !noMemoryPeer
        try StoreBenchmark(config: config).run { emitLine($0) }
    }
}
