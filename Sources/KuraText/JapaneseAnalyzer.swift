/// MeCab in a search mode, in the spirit of Kuromoji's: each morpheme by its base form, particles,
/// auxiliary verbs and symbols dropped, and every run of two or more nouns (a prefix included) also indexed whole, so a
/// query for the compound and one for its parts both match. Latin words are stemmed as `standard` does.
struct JapaneseAnalyzer: Analyzer {
    let tagger: MeCab

    var name: AnalyzerName { .ja }

    func terms(_ text: String) -> [String] {
        Self.terms(of: tagger.morphemes(String(decoding: Normalizer.normalize(text), as: UTF8.self)))
    }

    static let dropped: Set<String> = ["助詞", "助動詞", "記号"]

    static func terms(of morphemes: [MeCab.Morpheme]) -> [String] {
        var out: [String] = []
        var nouns: [String] = []
        func closeCompound() {
            if nouns.count > 1 {
                let compound = nouns.joined()
                if compound.unicodeScalars.count <= Terms.maxLength { out.append(compound) }
            }
            nouns.removeAll()
        }
        for m in morphemes {
            let wordlike = m.surface.unicodeScalars.contains { $0.properties.isAlphabetic || $0.properties.numericType != nil }
            guard wordlike, !dropped.contains(m.partOfSpeech), m.base.unicodeScalars.count <= Terms.maxLength else {
                closeCompound()
                continue
            }
            out.append(Stemmer.english.stem(m.base))
            // A prefix (子 in 子プロセス) opens a compound; a noun extends it.
            if m.partOfSpeech == "名詞" || m.partOfSpeech == "接頭詞" { nouns.append(m.surface) } else { closeCompound() }
        }
        closeCompound()
        return out
    }
}
