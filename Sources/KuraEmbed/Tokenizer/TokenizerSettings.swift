import Foundation
import KuraCore

/// The few tokenizer.json fields that change tokenisation; defaults are BERT-uncased's.
struct TokenizerSettings {
    var lowercase = true
    var stripAccents = true
    var maxCharsPerWord = 100
    var continuationPrefix = "##"

    init(url: URL) {
        guard let data = try? Data(contentsOf: url), let root = try? JSONSerialization.jsonObject(with: data) as? [String: Any] else { return }
        if let n = root["normalizer"] as? [String: Any] {
            lowercase = (n["lowercase"] as? Bool) ?? true
            stripAccents = (n["strip_accents"] as? Bool) ?? lowercase
        }
        if let m = root["model"] as? [String: Any] {
            maxCharsPerWord = (m["max_input_chars_per_word"] as? Int) ?? 100
            continuationPrefix = (m["continuing_subword_prefix"] as? String) ?? "##"
        }
    }
}
