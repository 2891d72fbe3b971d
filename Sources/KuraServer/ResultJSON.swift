import Foundation
import KuraRetrieval

/// The JSON shapes of results and contexts, shared by the CLI and the API (scripts depend on the names).
public enum ResultJSON {
    public static func metadata(_ text: String) -> Any { (try? JSONSerialization.jsonObject(with: Data(text.utf8))) ?? [String: Any]() }

    public static func object(_ r: Retriever.Result) -> [String: Any] {
        [
            "chunk_id": r.chunkID, "document_id": r.documentID, "text": r.text, "score": r.score, "metadata": metadata(r.metadata), "start": r.start,
            "end": r.end,
        ]
    }

    public static func object(_ c: ContextAssembler.Context) -> [String: Any] {
        [
            "context": c.text, "tokens": c.tokens,
            "citations": c.citations.map {
                [
                    "n": $0.n, "document_id": $0.documentID, "chunk_ids": $0.chunkIDs, "start": $0.start, "end": $0.end, "score": $0.score,
                    "metadata": metadata($0.metadata),
                ]
                    as [String: Any]
            },
        ]
    }
}
