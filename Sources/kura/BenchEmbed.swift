import ArgumentParser
import Foundation
import KuraCore
import KuraEmbed

struct BenchEmbed: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "embed",
        abstract: "Time the native embedder on JSONL {\"text\"} passages: passages/s and tokens/s, model load excluded.")
    @OptionGroup var embedder: EmbedderOptions
    @Option(help: "JSONL file of passages.") var input: String
    @Option(help: "Use only the first N passages.") var limit: Int?
    @Option(help: "Timed repetitions; the best is reported.") var repeats: Int = 1
    @Flag(help: "Embed each text in a call of its own, as a server embeds a lone query.") var oneAtATime = false
    @Flag(help: "Print a JSON line.") var json = false

    func run() throws {
        var texts: [String] = []
        try JSONLines.forEach(input) { number, line in
            guard let o = try? JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any], let t = o["text"] as? String else {
                throw KuraError.invalidArgument("\(input):\(number): expected a JSON object with a string \"text\"")
            }
            if limit.map({ texts.count < $0 }) ?? true { texts.append(t) }
        }
        let model = try embedder.make()
        let tokens: Int
        if let m = model as? MiniLMEmbedder {
            tokens = texts.reduce(0) { $0 + m.tokenizer.encode($1).count }
        } else {
            tokens = texts.reduce(0) { $0 + model.tokenCounter.countTokens($1) }
        }
        var best = Double.infinity
        for _ in 0..<max(1, repeats) {
            let start = DispatchTime.now().uptimeNanoseconds
            if oneAtATime {
                for t in texts { _ = try model.embed([t]) }
            } else {
                _ = try model.embed(texts)
            }
            best = min(best, Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9)
        }
        let threads = (model as? MiniLMEmbedder)?.threads ?? 1
        let precision = (model as? MiniLMEmbedder)?.precision.rawValue ?? "-"
        var row: [String: Any] = [
            "embedder": model.id, "precision": precision, "threads": threads, "passages": texts.count, "one_at_a_time": oneAtATime, "tokens": tokens,
            "seconds": best,
            "passages_per_s": Double(texts.count) / best, "tokens_per_s": Double(tokens) / best,
        ]
        if let choice = (model as? MiniLMEmbedder)?.choice {
            row["precision_reason"] = choice.reason
            row["precision_trials"] = choice.trials.map { ["precision": $0.precision, "tokens_per_s": $0.tokensPerSecond, "mean_cosine": $0.meanCosine] }
        }
        if json {
            emitLine(jsonLine(row))
        } else {
            print(
                String(
                    format: "%@ threads=%d: %d passages, %d tokens in %.2f s: %.1f passages/s, %.0f tokens/s",
                    model.id, threads, texts.count, tokens, best, Double(texts.count) / best, Double(tokens) / best))
            if let choice = (model as? MiniLMEmbedder)?.choice { print("precision \(choice.precision): \(choice.reason)") }
        }
    }
}
