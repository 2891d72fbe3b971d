import Foundation
import KuraCore
import KuraRetrieval
import KuraStore

/// The JSON shapes of results and contexts, shared by the CLI and the API (scripts depend on the names).
public enum ResultJSON {
    /// Stored metadata (canonical JSON text) as an object to answer with.
    /// - Throws: `KuraError.corruptFile` when it is not JSON: never answered as `{}`.
    public static func metadata(_ text: String) throws -> Any {
        if text.isEmpty { return [String: Any]() }
        guard let object = try? JSONSerialization.jsonObject(with: Data(text.utf8)) else {
            throw KuraError.corruptFile(path: "catalog", reason: "stored metadata is not JSON: \(text.prefix(80))")
        }
        return object
    }

    /// Document metadata with the pages or slide a node holds merged in, for node-shaped answers (KAITO,
    /// chat `source_nodes`) whose readers look for them in the metadata.
    public static func metadata(_ text: String, pages: PageSpan?) throws -> Any {
        guard let pages, var object = try metadata(text) as? [String: Any] else { return try metadata(text) }
        for (key, value) in pages.fields { object[key] = value }
        return object
    }

    /// A search result as answered: ids, text, score, metadata, offsets, and pages when known.
    /// - Throws: as `metadata(_:)`.
    public static func object(_ r: Retriever.Result) throws -> [String: Any] {
        var out: [String: Any] = [
            "chunk_id": r.chunkID, "document_id": r.documentID, "text": r.text, "score": r.score, "metadata": try metadata(r.metadata),
            "start": r.start, "end": r.end,
        ]
        for (key, value) in r.pages?.fields ?? [:] { out[key] = value }
        return out
    }

    /// A context as answered: its text, tokens and citations.
    /// - Throws: as `metadata(_:)`.
    public static func object(_ c: ContextAssembler.Context) throws -> [String: Any] {
        [
            "context": c.text, "tokens": c.tokens,
            "citations": try c.citations.map {
                var citation: [String: Any] = [
                    "n": $0.n, "document_id": $0.documentID, "chunk_ids": $0.chunkIDs, "start": $0.start, "end": $0.end, "score": $0.score,
                    "metadata": try metadata($0.metadata),
                ]
                for (key, value) in $0.pages?.fields ?? [:] { citation[key] = value }
                return citation
            },
        ]
    }
}
