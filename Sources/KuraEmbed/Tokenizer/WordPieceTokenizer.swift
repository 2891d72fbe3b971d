import Foundation
import KuraCore

/// BERT's tokenizer: normalisation, splitting on whitespace and punctuation, then greedy longest-match
/// WordPiece, wrapped in [CLS] ... [SEP] and truncated to `maxLength` ids (the specials included).
public struct WordPieceTokenizer: TokenCounter, Sendable {
    /// Ids per text at most, [CLS] and [SEP] included.
    public let maxLength: Int
    /// Longer words become [UNK].
    public let maxCharsPerWord: Int
    /// The [CLS] token's id.
    public let clsId: Int32
    /// The [SEP] token's id.
    public let sepId: Int32
    /// The [UNK] token's id.
    public let unkId: Int32
    let vocabulary: WordPieceVocabulary
    let normalizer: BertNormalizer
    private let continuationRoot: Int32?

    init(
        vocabulary: WordPieceVocabulary, normalizer: BertNormalizer = BertNormalizer(), maxLength: Int = 256, maxCharsPerWord: Int = 100,
        continuationPrefix: String = "##"
    ) throws {
        func id(_ t: String) throws -> Int32 {
            guard let i = vocabulary.ids[t] else { throw KuraError.invalidArgument("the vocabulary has no \(t) token") }
            return i
        }
        self.vocabulary = vocabulary
        self.normalizer = normalizer
        self.maxLength = max(2, maxLength)
        self.maxCharsPerWord = maxCharsPerWord
        clsId = try id("[CLS]")
        sepId = try id("[SEP]")
        unkId = try id("[UNK]")
        continuationRoot = vocabulary.continuationRoot(prefix: continuationPrefix)
    }

    /// Loads `vocab.txt` from a model folder, with the settings of its `tokenizer.json` when present
    /// (lower-casing, accent stripping, word length). Its baked-in truncation and padding are ignored:
    /// `maxLength` applies, and nothing is padded.
    public init(modelDirectory: URL, maxLength: Int = 256) throws {
        let vocab = try WordPieceVocabulary(contentsOf: modelDirectory.appendingPathComponent("vocab.txt"))
        let settings = TokenizerSettings(url: modelDirectory.appendingPathComponent("tokenizer.json"))
        try self.init(
            vocabulary: vocab, normalizer: BertNormalizer(lowercase: settings.lowercase, stripAccents: settings.stripAccents),
            maxLength: maxLength, maxCharsPerWord: settings.maxCharsPerWord, continuationPrefix: settings.continuationPrefix)
    }

    /// Tokens in the vocabulary.
    public var vocabularySize: Int { vocabulary.count }

    /// Token ids with [CLS] and [SEP], truncated to `maxLength`.
    public func encode(_ text: String) -> [Int32] {
        var ids: [Int32] = [clsId]
        ids.reserveCapacity(min(maxLength, text.utf8.count / 3 + 4))
        wordPieces(text, limit: maxLength - 2) { ids.append($0) }
        ids.append(sepId)
        return ids
    }

    /// The number of word pieces, without specials and without truncation.
    public func countTokens(_ text: String) -> Int {
        var n = 0
        wordPieces(text, limit: .max) { _ in n += 1 }
        return n
    }

    /// The vocabulary entry of each id.
    public func tokens(_ ids: [Int32]) -> [String] { ids.map { vocabulary.tokens[Int($0)] } }

    private func wordPieces(_ text: String, limit: Int, _ emit: (Int32) -> Void) {
        let chars = normalizer.normalize(text)
        var emitted = 0
        var i = 0
        while i < chars.count, emitted < limit {
            let c = chars[i]
            if c == " " {
                i += 1
                continue
            }
            if Self.isPunctuation(c) {
                emitted += piecesOfWord(chars[i..<(i + 1)], limit: limit - emitted, emit)
                i += 1
                continue
            }
            var j = i + 1
            while j < chars.count, chars[j] != " ", !Self.isPunctuation(chars[j]) { j += 1 }
            emitted += piecesOfWord(chars[i..<j], limit: limit - emitted, emit)
            i = j
        }
    }

    /// Emits the pieces of one word (at most `limit`); a word that cannot be split is one [UNK].
    private func piecesOfWord(_ word: ArraySlice<Unicode.Scalar>, limit: Int, _ emit: (Int32) -> Void) -> Int {
        if word.count > maxCharsPerWord {
            emit(unkId)
            return 1
        }
        var pieces: [Int32] = []
        var start = word.startIndex
        while start < word.endIndex {
            let root: Int32? = start == word.startIndex ? 0 : continuationRoot
            guard let root, let m = vocabulary.longestMatch(word, from: start, root: root) else {
                emit(unkId)
                return 1
            }
            pieces.append(m.id)
            start = m.end
        }
        let n = min(pieces.count, limit)
        for p in pieces.prefix(n) { emit(p) }
        return n
    }

    /// BERT's punctuation: any ASCII punctuation or symbol, and Unicode category P.
    static func isPunctuation(_ c: Unicode.Scalar) -> Bool {
        let v = c.value
        if v < 0x80 { return (0x21...0x2F).contains(v) || (0x3A...0x40).contains(v) || (0x5B...0x60).contains(v) || (0x7B...0x7E).contains(v) }
        switch c.properties.generalCategory {
        case .connectorPunctuation, .dashPunctuation, .openPunctuation, .closePunctuation, .initialPunctuation, .finalPunctuation, .otherPunctuation:
            return true
        default: return false
        }
    }
}
