import Foundation
import KuraCore
import KuraRetrieval

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

    public static func object(_ r: Retriever.Result) throws -> [String: Any] {
        [
            "chunk_id": r.chunkID, "document_id": r.documentID, "text": r.text, "score": r.score, "metadata": try metadata(r.metadata),
            "start": r.start, "end": r.end,
        ]
    }

    public static func object(_ c: ContextAssembler.Context) throws -> [String: Any] {
        [
            "context": c.text, "tokens": c.tokens,
            "citations": try c.citations.map {
                [
                    "n": $0.n, "document_id": $0.documentID, "chunk_ids": $0.chunkIDs, "start": $0.start, "end": $0.end, "score": $0.score,
                    "metadata": try metadata($0.metadata),
                ]
                    as [String: Any]
            },
        ]
    }
}
