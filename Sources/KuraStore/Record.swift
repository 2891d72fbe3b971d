import Foundation
import KuraCore

/// One document with its vector, as `kura ingest --vectors` reads it: `{"id","text","metadata","vector"}`.
public struct Record: Sendable, Equatable {
    public var id: String
    public var text: String
    /// A JSON object, as canonical JSON text (sorted keys).
    public var metadata: String
    public var vector: [Float]

    public init(id: String, text: String, metadata: String = "{}", vector: [Float]) {
        self.id = id
        self.text = text
        self.metadata = metadata
        self.vector = vector
    }

    /// Parses one JSON line. Errors say which field is wrong.
    public init(jsonLine: Substring) throws {
        guard let data = jsonLine.data(using: .utf8),
            let obj = try? JSONSerialization.jsonObject(with: data, options: [.fragmentsAllowed]) as? [String: Any]
        else { throw KuraError.invalidArgument("not a JSON object") }
        guard let id = obj["id"] as? String, !id.isEmpty else { throw KuraError.invalidArgument("\"id\" must be a non-empty string") }
        guard let text = obj["text"] as? String else { throw KuraError.invalidArgument("\"text\" must be a string") }
        let meta = obj["metadata"] ?? [String: Any]()
        guard meta is [String: Any] else { throw KuraError.invalidArgument("\"metadata\" must be an object") }
        guard let raw = obj["vector"] as? [Any], !raw.isEmpty else { throw KuraError.invalidArgument("\"vector\" must be a non-empty array of numbers") }
        var vector: [Float] = []
        vector.reserveCapacity(raw.count)
        for v in raw {
            // JSON booleans arrive as NSNumber too, with the objCType of a char.
            guard let n = v as? NSNumber, String(cString: n.objCType) != "c" else {
                throw KuraError.invalidArgument("\"vector\" must hold only numbers")
            }
            vector.append(n.floatValue)
        }
        self.init(id: id, text: text, metadata: try Self.canonical(meta), vector: vector)
    }

    static func canonical(_ object: Any) throws -> String {
        let data = try JSONSerialization.data(withJSONObject: object, options: [.sortedKeys, .withoutEscapingSlashes])
        return String(decoding: data, as: UTF8.self)
    }

    /// The JSON line `kura export` writes: id, text, metadata.
    public var exportLine: String {
        let meta = (try? JSONSerialization.jsonObject(with: Data(metadata.utf8))) ?? [String: Any]()
        let obj: [String: Any] = ["id": id, "text": text, "metadata": meta]
        return (try? Self.canonical(obj)) ?? "{}"
    }

    /// Identifies the content: text, metadata and vector. An upsert with the same hash changes nothing.
    var contentHash: String {
        var bytes = Array(text.utf8) + [0] + Array(metadata.utf8) + [0]
        vector.withUnsafeBytes { bytes += $0 }
        return ContentHash.sha256(bytes)
    }
}
