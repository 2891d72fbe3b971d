import KuraCore

/// The analyzers a collection can be created with.
public enum AnalyzerName: String, CaseIterable, Sendable, Codable {
    /// UAX #29 words, NFKC, case folding, English Snowball stemming.
    case standard
    /// `standard` without stemming.
    case standardNoStem = "standard-nostem"
    /// MeCab words (IPA dictionary) in a search mode: base forms, particles, auxiliary verbs and symbols
    /// dropped, runs of nouns also indexed whole.
    case ja
    /// Overlapping bigrams inside Han, kana and Hangul runs; `standard` elsewhere.
    case cjk
    /// `standard` for everything but CJK runs, which give bigrams and (Han and kana) MeCab words too.
    case auto

    /// What a collection gets when none is named.
    public static let `default` = AnalyzerName.auto

    /// Accepts the names users type.
    public init?(name: String) {
        self.init(rawValue: name.lowercased())
    }

    /// The analyzer.
    /// - Throws: `KuraError.invalidArgument` when it needs MeCab and MeCab or its dictionary is missing.
    public func make() throws -> any Analyzer {
        switch self {
        case .standard: StandardAnalyzer(stem: true)
        case .standardNoStem: StandardAnalyzer(stem: false)
        case .ja: JapaneseAnalyzer(tagger: try MeCab.shared())
        case .cjk: CJKAnalyzer(morphemes: nil)
        case .auto: CJKAnalyzer(morphemes: try MeCab.shared())
        }
    }
}
