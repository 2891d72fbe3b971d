import Foundation
import GRDB
import KuraCore

extension DocumentCollection {
    /// Full-text search over chunk text (FTS5, porter stemming), best first by bm25; the score is -bm25,
    /// so higher is better. Any of the query's words may match; rarer words weigh more.
    public func lexicalSearch(_ query: String, k: Int, filter: MetadataFilter? = nil) throws -> [Hit] {
        try store.db.read { db in
            guard let pattern = try Self.lexicalPattern(query, db) else { return [] }
            // The index spans every collection. Without a metadata filter, the best `pool` matches are
            // ranked inside FTS5 before any join, which halves the cost of a long query; when this
            // collection's share of them falls short of k, the search runs again over every match.
            if filter == nil {
                let pool = max(k * 4, 200)
                let hits = try lexicalHits(db, pattern: pattern, k: k, pool: pool, condition: "1", args: [])
                if try hits.count >= k || !Self.fillsPool(db, pattern, pool) { return hits }
            }
            let (condition, args) = filter?.sql() ?? ("1", [])
            return try lexicalHits(db, pattern: pattern, k: k, pool: nil, condition: condition, args: args)
        }
    }

    private func lexicalHits(
        _ db: Database, pattern: FTS5Pattern, k: Int, pool: Int?, condition: String, args: [DatabaseValueConvertible?]
    ) throws -> [Hit] {
        let source =
            pool.map { "(SELECT rowid, rank FROM chunk_fts WHERE chunk_fts MATCH ? ORDER BY rank LIMIT \($0))" }
            ?? "(SELECT rowid, bm25(chunk_fts) AS rank FROM chunk_fts WHERE chunk_fts MATCH ?)"
        return try Row.fetchAll(
            db,
            sql: """
                SELECT c.id AS id, f.rank AS rank FROM \(source) f
                JOIN chunk c ON c.id = f.rowid JOIN document d ON d.id = c.document_id
                WHERE c.collection_id = ? AND \(condition)
                ORDER BY f.rank LIMIT ?
                """, arguments: StatementArguments([pattern, info.id] + args + [k])
        ).map { Hit(chunkID: $0["id"], distance: Float($0["rank"] as Double), score: -Float($0["rank"] as Double)) }
    }

    /// Whether the pattern has at least `pool` matches over all collections.
    private static func fillsPool(_ db: Database, _ pattern: FTS5Pattern, _ pool: Int) throws -> Bool {
        try Int.fetchOne(db, sql: "SELECT count(*) FROM (SELECT 1 FROM chunk_fts WHERE chunk_fts MATCH ? LIMIT ?)", arguments: [pattern, pool]) == pool
    }

    /// Query terms beyond this many keep only the rarest: a passage-long query would otherwise score
    /// every chunk that shares a common word.
    static let maxLexicalTerms = 16

    /// Any of the query's words, without those in more than half of all chunks (bm25 gives them almost no
    /// weight, and scoring their long posting lists is most of the cost; a tenth cost pydocs 1.5 points of
    /// MRR) unless nothing else is left, and at most the `maxLexicalTerms` rarest. Words no chunk has are dropped. Each term is quoted, so
    /// a word such as "or" or "near" is a term here, never an operator.
    static func lexicalPattern(_ query: String, _ db: Database) throws -> FTS5Pattern? {
        var seen = Set<String>()
        let tokens = try db.makeTokenizer(.unicode61()).tokenize(query: query).map(\.token).filter { seen.insert($0).inserted }
        guard !tokens.isEmpty else { return nil }
        let porter = try db.makeTokenizer(.porter())
        let stems = try tokens.map { try porter.tokenize(query: $0).first?.token ?? $0 }
        let json = String(decoding: try JSONEncoder().encode(Array(Set(stems))), as: UTF8.self)
        let counts = try Dictionary(
            Row.fetchAll(db, sql: "SELECT term, doc FROM chunk_fts_vocab WHERE term IN (SELECT value FROM json_each(?))", arguments: [json])
                .map { ($0["term"] as String, $0["doc"] as Int) }, uniquingKeysWith: { a, _ in a })
        var ranked: [(token: String, count: Int, order: Int)] = []
        for (i, (token, stem)) in zip(tokens, stems).enumerated() {
            if let count = counts[stem] { ranked.append((token, count, i)) }
        }
        ranked.sort { ($0.count, $0.order) < ($1.count, $1.order) }
        let chunks = try Int.fetchOne(db, sql: "SELECT coalesce(max(rowid) - min(rowid) + 1, 0) FROM chunk") ?? 0
        let informative = ranked.filter { $0.count * 2 <= chunks }
        let kept = (informative.isEmpty ? Array(ranked.prefix(2)) : informative).prefix(maxLexicalTerms).sorted { $0.order < $1.order }
        guard !kept.isEmpty else { return nil }
        return try FTS5Pattern(rawPattern: kept.map { "\"" + $0.token.replacingOccurrences(of: "\"", with: "\"\"") + "\"" }.joined(separator: " OR "))
    }
}
