/// `standard` outside CJK runs; inside them, overlapping character bigrams (a run of one character is a
/// term by itself), as Lucene's CJK analyzer does. With `morphemes` (the `auto` analyzer), runs of Han
/// and kana also give MeCab's words, and the bigrams are marked so the two never count as one term: the
/// words carry meaning, the bigrams recall where the dictionary cuts differently, and each side of a
/// search analyses its runs alike, whatever the rest of its text.
struct CJKAnalyzer: Analyzer {
    let morphemes: MeCab?

    var name: AnalyzerName { morphemes == nil ? .cjk : .auto }

    func terms(_ text: String) -> [String] {
        let normalized = Normalizer.normalize(text)
        let standard = StandardAnalyzer(stem: true)
        var out: [String] = []
        for (range, cjk) in Scripts.runs(normalized) {
            guard cjk else {
                standard.append(normalized[range], to: &out)
                continue
            }
            let run = String(decoding: normalized[range], as: UTF8.self)
            let characters = Array(run)
            let mark = morphemes == nil ? "" : String(Terms.bigramMark)
            if characters.count == 1 {
                out.append(mark + String(characters[0]))
            } else {
                for i in 0..<(characters.count - 1) { out.append(mark + String(characters[i]) + String(characters[i + 1])) }
            }
            if let morphemes, !run.unicodeScalars.contains(where: { Scripts.isHangul($0.value) }) {
                out += JapaneseAnalyzer.terms(of: morphemes.morphemes(run))
            }
        }
        return out
    }
}
