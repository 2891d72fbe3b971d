import Foundation
import KuraCore
import KuraEmbed
import KuraStore
import KuraText

/// The query side over one collection: dense (HNSW), lexical (BM25 over the collection's own postings)
/// and hybrid (reciprocal rank fusion of the two), with metadata filters applied inside each search.
/// When the embedder does not cover the query's script (the native MiniLM and a query mostly in CJK),
/// hybrid ranks by the lexical list alone: fusing in a ranking that is noise only pulls the good one down.
public struct Retriever: Sendable {
    /// How a query is ranked.
    public enum Mode: String, Sendable, CaseIterable {
        case dense, lexical, hybrid
    }

    /// One search: a text or a vector (or both, for hybrid with its vector given), and its options.
    public struct Query: Sendable {
        /// The query's text: embedded for dense, analysed for lexical, both for hybrid.
        public var text: String?
        /// The query's vector, used instead of embedding the text.
        public var vector: [Float]?
        /// Results wanted, `1...maxK`.
        public var k = 10
        /// Default: hybrid for text, dense for a vector.
        public var mode: Mode?
        /// Keeps only chunks whose document metadata matches.
        public var filter: MetadataFilter?
        /// The dense search's breadth, raised to `k` when below it (default: the collection's `efSearch`).
        public var ef: Int?
        /// Reciprocal rank fusion constant: a hit at rank r adds 1 / (rrfK + r).
        public var rrfK = 60.0
        /// Maximal marginal relevance (0...1): when set, the k results are picked from a wider pool to
        /// trade relevance (1) against diversity (0). Results keep their scores, in the MMR order.
        public var mmrLambda: Double?

        /// A query with the defaults above.
        public init(text: String? = nil, vector: [Float]? = nil, k: Int = 10) {
            self.text = text
            self.vector = vector
            self.k = k
        }
    }

    /// One ranked chunk.
    public struct Result: Sendable, Equatable {
        /// The chunk's id in the collection.
        public var chunkID: Int64
        /// Its document's id.
        public var documentID: String
        /// The chunk's text.
        public var text: String
        /// Higher is better: cosine similarity (dense), BM25 (lexical, and hybrid when the embedder does
        /// not cover the query's script), fused RRF score (hybrid).
        public var score: Double
        /// The document's metadata, a JSON object as text.
        public var metadata: String
        /// Where the chunk starts in its document, in Unicode scalars.
        public var start: Int
        /// Where it ends (exclusive).
        public var end: Int
        /// The pages or slides the chunk holds, when its document has them.
        public var pages: PageSpan? = nil
    }

    /// The collection searched.
    public let collection: DocumentCollection
    /// Embeds query texts; nil allows only vector and lexical queries.
    public let embedder: (any Embedder)?

    /// A retriever over `collection`, embedding with `embedder` (the collection's).
    public init(collection: DocumentCollection, embedder: (any Embedder)?) {
        self.collection = collection
        self.embedder = embedder
    }

    /// A query whose letters are at least this share CJK counts as written in CJK.
    static let cjkQueryShare = 0.5

    /// The most results one search returns.
    public static let maxK = 1000

    /// Runs `q`, best first.
    /// - Throws: `KuraError.invalidArgument` for a `k` out of range, no text or vector, a lexical or hybrid
    /// query without text, an MMR lambda outside 0...1, or a vector of the wrong dimension; what embedding
    /// (`.upstream` from a remote embedder) and the store throw.
    public func search(_ q: Query) throws -> [Result] {
        guard q.k > 0, q.k <= Self.maxK else { throw KuraError.invalidArgument("k must be between 1 and \(Self.maxK)") }
        guard q.text != nil || q.vector != nil else { throw KuraError.invalidArgument("give a query text or a vector") }
        let mode = q.mode ?? (q.text != nil ? .hybrid : .dense)
        if mode != .dense && q.text == nil { throw KuraError.invalidArgument("\(mode.rawValue) search needs a query text") }
        guard let lambda = q.mmrLambda else { return try ranked(q, mode: mode, k: q.k) }
        guard (0...1).contains(lambda) else { throw KuraError.invalidArgument("mmr_lambda must be between 0 and 1") }
        let pool = try ranked(q, mode: mode, k: min(1000, max(q.k * 4, 50)))
        let vectors = try collection.vectors(of: Set(pool.map(\.chunkID)))
        return MMR.select(relevance: pool.map(\.score), vectors: pool.map { vectors[$0.chunkID] }, k: q.k, lambda: lambda).map { pool[$0] }
    }

    private func ranked(_ q: Query, mode: Mode, k: Int) throws -> [Result] {
        if mode == .hybrid { return try hybrid(q, k: k) }
        let allowed = try allowedChunks(q)
        let hits: [(Int64, Double)]
        if mode == .dense {
            hits = try dense(q, vector: try queryVector(q), k: k, allowed: allowed).map { ($0.chunkID, Double($0.score)) }
        } else {
            hits = try collection.lexicalSearch(q.text!, k: k, allowed: allowed).map { ($0.chunkID, Double($0.score)) }
        }
        let stored = try collection.chunks(hits.map(\.0))
        return hits.compactMap { id, score in stored[id].map { Self.result($0, score: score) } }
    }

    static func result(_ c: StoredChunk, score: Double) -> Result {
        Result(
            chunkID: c.chunkID, documentID: c.documentID, text: c.text, score: score, metadata: c.metadata, start: c.start, end: c.end,
            pages: PageSpan(chunkMetadata: c.chunkMetadata))
    }

    /// Reciprocal rank fusion at two levels. Documents are ranked three ways: by their best chunk in the
    /// dense list, by their best chunk in the lexical list, and (the candidates of those two) by their
    /// document vector, which speaks for the whole text rather than one passage. The lexical list scores
    /// chunks alone: the document vectors already speak for whole documents, and with document-aware
    /// BM25 in the list as well pydocs' hybrid MRR@10 fell from 0.805 to 0.792. Each chunk scores its
    /// document's fused score plus its own, so a document's best chunks come first and a document that
    /// several rankings agree on outranks one that a single ranking favours.
    ///
    /// BM25 runs on another thread while the query text waits in the embedder's queue: the embedder is
    /// fastest in large batches (docs384 questions at 32 connections: 222 requests/s, at 8: 154), and a
    /// query busy with BM25 before or after its embedding would leave the batches it could have joined
    /// smaller.
    private func hybrid(_ q: Query, k: Int) throws -> [Result] {
        if q.vector == nil, let embedder, !embedder.coversCJK, Scripts.cjkShare(q.text!) >= Self.cjkQueryShare {
            return try ranked(q, mode: .lexical, k: k)
        }
        let allowed = try allowedChunks(q)
        let (vector, lexical) = try Overlap.run(
            { try queryVector(q) },
            beside: {
                try collection.lexicalSearch(
                    q.text!, k: Self.lexicalDepth(k), allowed: allowed, withDocuments: false, maxTerms: Self.hybridLexicalTerms)
            },
            when: q.vector == nil)
        let denseHits = try dense(q, vector: vector, k: Self.denseDepth(k), allowed: allowed)
        let lists = [denseHits.map(\.chunkID), lexical.map(\.chunkID)]
        // The candidates' documents and document vectors come first, without text; only the k chunks
        // answered are read whole.
        let documents = try collection.documents(of: denseHits + lexical)
        let byVector = collection.rankDocuments(of: Array(documents.values), query: vector).map(\.document)
        let fused = Self.fuseHybrid(lists, documentOf: documents.mapValues(\.document), documentRankings: [byVector], k: q.rrfK).prefix(k)
        let stored = try collection.chunks(fused.map(\.0))
        return fused.compactMap { id, score in stored[id].map { Self.result($0, score: score) } }
    }

    /// Query terms the hybrid's lexical list keeps, the rarest. Beside the dense list, BM25 is there for
    /// the rare words (names, identifiers) that the embedding blurs; a long query's common words, whose
    /// postings are the longest, are what the dense list already covers. Measured: pydocs hybrid MRR@10
    /// the same with 8 as with 16 (6: 0.005 lower); BM25 top-30 of docs384's 12-word questions twice as
    /// fast (344 µs against 635 at the median, one thread).
    static let hybridLexicalTerms = 8

    /// Dense candidates fused for `k` answers.
    static func denseDepth(_ k: Int) -> Int { max(k * 4, 50) }

    /// Lexical candidates fused for `k` answers: fewer than dense ones, since BM25's cost grows with the
    /// depth (a lower k-th score prunes less) and its ranks past 30 never changed a pydocs answer.
    static func lexicalDepth(_ k: Int) -> Int { max(k * 3, 30) }

    /// The hybrid fusion rule: documents are ranked by their best chunk in each chunk list, and by each
    /// of `documentRankings`; their reciprocal-rank scores add up, and every chunk scores its document's
    /// total plus its own reciprocal-rank score. Best first; ties keep first appearance.
    static func fuseHybrid<D: Hashable>(_ lists: [[Int64]], documentOf: [Int64: D], documentRankings: [[D]], k: Double) -> [(Int64, Double)] {
        let fromChunks = lists.map { list -> [D] in
            var seen = Set<D>()
            return list.compactMap { documentOf[$0] }.filter { seen.insert($0).inserted }
        }
        var docScore: [D: Double] = [:]
        for list in fromChunks + documentRankings { for (rank, d) in list.enumerated() { docScore[d, default: 0] += 1 / (k + Double(rank + 1)) } }
        return fuse(lists, k: k).compactMap { id, chunkScore -> (Int64, Double)? in
            documentOf[id].map { (id, docScore[$0, default: 0] + chunkScore) }
        }
        .enumerated().sorted { $0.element.1 != $1.element.1 ? $0.element.1 > $1.element.1 : $0.offset < $1.offset }.map(\.element)
    }

    private func queryVector(_ q: Query) throws -> [Float] {
        if let v = q.vector { return v }
        guard let embedder else { throw KuraError.invalidArgument("no embedder is configured to embed the query; send a vector") }
        return try embedder.embed([q.text!])[0]
    }

    /// The chunks the query's filter admits (nil: every chunk), read once per search for every list.
    private func allowedChunks(_ q: Query) throws -> Set<Int64>? {
        try q.filter.map { try collection.chunkIDs(matching: $0) }
    }

    private func dense(_ q: Query, vector: [Float], k: Int, allowed: Set<Int64>?) throws -> [Hit] {
        try collection.search(vector, k: k, ef: q.ef.map { max($0, k) }, allowed: allowed)
    }

    /// Reciprocal rank fusion: each list adds 1 / (k + rank) (rank from 1) to an item; best first, ties
    /// broken by first appearance.
    public static func fuse(_ lists: [[Int64]], k: Double = 60) -> [(Int64, Double)] {
        var score: [Int64: Double] = [:]
        var order: [Int64] = []
        for list in lists {
            for (rank, id) in list.enumerated() {
                if score[id] == nil { order.append(id) }
                score[id, default: 0] += 1 / (k + Double(rank + 1))
            }
        }
        let position = Dictionary(uniqueKeysWithValues: order.enumerated().map { ($1, $0) })
        return order.map { ($0, score[$0]!) }.sorted { $0.1 != $1.1 ? $0.1 > $1.1 : position[$0.0]! < position[$1.0]! }
    }
}
