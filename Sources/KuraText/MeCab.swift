import CMeCab
import KuraCore
import Synchronization

/// MeCab with the dictionary its mecabrc names (Debian's mecab-ipadic-utf8). The model is shared; taggers
/// and lattices are not thread-safe, so they are pooled in pairs (the model pointer is only read).
final class MeCab: @unchecked Sendable {
    /// One morpheme: its surface form, part of speech, and base (dictionary) form.
    struct Morpheme: Equatable {
        var surface: String
        var partOfSpeech: String
        var base: String
    }

    private let model: OpaquePointer
    private let pool: Pool<(tagger: OpaquePointer, lattice: OpaquePointer)>

    private static let loaded = Mutex<Result<MeCab, KuraError>?>(nil)

    /// The process's MeCab, loaded once.
    /// - Throws: `KuraError.invalidArgument` saying what to install when MeCab cannot load its dictionary.
    static func shared() throws -> MeCab {
        try loaded.withLock { state in
            if state == nil {
                state = Result {
                    guard let model = mecab_model_new2("") else {
                        throw KuraError.invalidArgument(
                            "the ja and auto analyzers need MeCab with a dictionary: install libmecab2 and mecab-ipadic-utf8, or use --analyzer standard or cjk"
                        )
                    }
                    return MeCab(model: model)
                }.mapError { $0 as? KuraError ?? .invalidArgument("\($0)") }
            }
            return try state!.get()
        }
    }

    private init(model: OpaquePointer) {
        self.model = model
        pool = Pool {
            guard let tagger = mecab_model_new_tagger(model), let lattice = mecab_model_new_lattice(model) else { return nil }
            return (tagger, lattice)
        }
    }

    /// The morphemes of `text`, in order.
    func morphemes(_ text: String) -> [Morpheme] {
        guard !text.isEmpty else { return [] }
        return pool.with { parse(text, tagger: $0.tagger, lattice: $0.lattice) } ?? []
    }

    private func parse(_ text: String, tagger: OpaquePointer, lattice l: OpaquePointer) -> [Morpheme] {
        var text = text
        return text.withUTF8 { utf8 -> [Morpheme] in
            utf8.withMemoryRebound(to: CChar.self) { chars in
                mecab_lattice_set_sentence2(l, chars.baseAddress, chars.count)
                guard mecab_parse_lattice(tagger, l) != 0 else { return [] }
                var out: [Morpheme] = []
                var node = mecab_lattice_get_bos_node(l)?.pointee.next
                while let n = node, Int32(n.pointee.stat) != MECAB_EOS_NODE {
                    let surface = String(decoding: UnsafeRawBufferPointer(start: n.pointee.surface, count: Int(n.pointee.length)), as: UTF8.self)
                    let features = n.pointee.feature.map { String(cString: $0) }?.split(separator: ",", omittingEmptySubsequences: false) ?? []
                    let pos = features.first.map(String.init) ?? ""
                    let base = features.count > 6 && features[6] != "*" ? String(features[6]) : surface
                    out.append(Morpheme(surface: surface, partOfSpeech: pos, base: base))
                    node = n.pointee.next
                }
                return out
            }
        }
    }
}
