import ArgumentParser
import Foundation
import KuraCore
import KuraEmbed

struct Embed: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Embed JSONL {\"id\",\"text\"} from stdin; write {\"id\",\"embedding\"} lines in input order.")
    @OptionGroup var embedder: EmbedderOptions
    @Option(help: "Texts embedded together.") var batch: Int = 256

    func validate() throws { guard batch > 0 else { throw ValidationError("--batch must be positive") } }

    func run() throws {
        let model = try embedder.make()
        var ids: [Any] = []
        var texts: [String] = []
        func flush() throws {
            guard !texts.isEmpty else { return }
            for (id, v) in zip(ids, try model.embed(texts)) { emitLine(EmbeddingLine.encode(id: id, vector: v)) }
            ids.removeAll(keepingCapacity: true)
            texts.removeAll(keepingCapacity: true)
        }
        try JSONLines.forEach("/dev/stdin") { number, line in
            guard let o = try? JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any], let text = o["text"] as? String else {
                throw KuraError.invalidArgument("stdin:\(number): expected a JSON object with a string \"text\"")
            }
            ids.append(o["id"] ?? NSNull())
            texts.append(text)
            if texts.count == batch { try flush() }
        }
        try flush()
    }
}

enum EmbeddingLine {
    /// `{"id":…,"embedding":[…]}` with floats in their shortest round-trip form.
    static func encode(id: Any, vector: [Float]) -> String {
        let idJSON =
            (try? JSONSerialization.data(withJSONObject: id, options: [.fragmentsAllowed, .withoutEscapingSlashes]))
            .map { String(decoding: $0, as: UTF8.self) } ?? "null"
        return "{\"id\":\(idJSON),\"embedding\":[" + vector.map { "\($0)" }.joined(separator: ",") + "]}"
    }
}
