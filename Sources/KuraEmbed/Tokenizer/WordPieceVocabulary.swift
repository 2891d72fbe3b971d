import Foundation
import KuraCore

/// A WordPiece vocabulary as a trie over Unicode scalars, so the greedy longest match is one walk.
/// Continuation pieces ("##ing") are ordinary entries; their walk starts below the "##" path.
struct WordPieceVocabulary: Sendable {
    private var terminal: [Int32] = [-1]  // token id ending at each node, or -1
    private var edges: [UInt64: Int32] = [:]  // (node << 21 | scalar) -> child node
    private(set) var tokens: [String] = []
    private(set) var ids: [String: Int32] = [:]

    init(tokens: [String]) {
        self.tokens = tokens
        for (id, token) in tokens.enumerated() {
            ids[token] = ids[token] ?? Int32(id)
            var node: Int32 = 0
            for s in token.unicodeScalars { node = child(of: node, s) }
            if terminal[Int(node)] < 0 { terminal[Int(node)] = Int32(id) }
        }
    }

    /// Reads vocab.txt: one token per line, the id is the 0-based line number.
    init(contentsOf url: URL) throws {
        let text: String
        do { text = try String(contentsOf: url, encoding: .utf8) } catch {
            throw KuraError.io(path: url.path, reason: "cannot read the vocabulary: \(error.localizedDescription)")
        }
        var lines = text.split(separator: "\n", omittingEmptySubsequences: false).map { String($0.hasSuffix("\r") ? $0.dropLast() : $0) }
        if lines.last == "" { lines.removeLast() }
        guard !lines.isEmpty else { throw KuraError.corruptFile(path: url.path, reason: "the vocabulary is empty") }
        self.init(tokens: lines)
    }

    var count: Int { tokens.count }

    /// The node for "##", where continuation pieces start; nil when the vocabulary has none.
    func continuationRoot(prefix: String) -> Int32? {
        var node: Int32 = 0
        for s in prefix.unicodeScalars {
            guard let next = edges[Self.key(node, s)] else { return nil }
            node = next
        }
        return node
    }

    /// The longest entry starting at `chars[start...]` when walked from `root`: (token id, end index).
    func longestMatch(_ chars: ArraySlice<Unicode.Scalar>, from start: Int, root: Int32) -> (id: Int32, end: Int)? {
        var node = root
        var best: (Int32, Int)?
        var i = start
        while i < chars.endIndex, let next = edges[Self.key(node, chars[i])] {
            node = next
            i += 1
            let t = terminal[Int(node)]
            if t >= 0 { best = (t, i) }
        }
        return best
    }

    /// The child of `node` along `s`, added when missing.
    private mutating func child(of node: Int32, _ s: Unicode.Scalar) -> Int32 {
        let k = Self.key(node, s)
        if let c = edges[k] { return c }
        let c = Int32(terminal.count)
        terminal.append(-1)
        edges[k] = c
        return c
    }

    private static func key(_ node: Int32, _ s: Unicode.Scalar) -> UInt64 { UInt64(node) << 21 | UInt64(s.value) }
}
