import ArgumentParser

struct Bench: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Measure Kura: recall, throughput and latency.",
        subcommands: [BenchAnn.self, BenchStore.self, BenchEmbed.self, BenchQuality.self, BenchLexical.self, BenchExtract.self])
}
