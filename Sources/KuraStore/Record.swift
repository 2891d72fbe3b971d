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

    private struct Line: Decodable {
        var id: String?
        var text: String?
        var metadata: JSONValue?
        var vector: [Float]?
    }

    /// Parses one JSON line. Errors say which field is wrong.
    public init(jsonLine: Substring) throws {
        let line: Line
        do {
            line = try JSONDecoder().decode(Line.self, from: Data(jsonLine.utf8))
        } catch DecodingError.typeMismatch(_, let context), DecodingError.dataCorrupted(let context) {
            let field = context.codingPath.first?.stringValue
            switch field {
            case "vector"?: throw KuraError.invalidArgument("\"vector\" must hold only numbers")
            case let f?: throw KuraError.invalidArgument("\"\(f)\" has the wrong type")
            case nil: throw KuraError.invalidArgument("not a JSON object")
            }
        } catch {
            throw KuraError.invalidArgument("not a JSON object")
        }
        guard let id = line.id, !id.isEmpty else { throw KuraError.invalidArgument("\"id\" must be a non-empty string") }
        guard let text = line.text else { throw KuraError.invalidArgument("\"text\" must be a string") }
        guard let vector = line.vector, !vector.isEmpty else { throw KuraError.invalidArgument("\"vector\" must be a non-empty array of numbers") }
        let metadata = line.metadata ?? .object([:])
        guard case .object = metadata else { throw KuraError.invalidArgument("\"metadata\" must be an object") }
        self.init(id: id, text: text, metadata: try Self.canonical(metadata), vector: vector)
    }

    static func canonical(_ value: JSONValue) throws -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return String(decoding: try encoder.encode(value), as: UTF8.self)
    }

    /// The JSON line `kura export` writes: id, text, metadata.
    public var exportLine: String {
        let meta = (try? JSONDecoder().decode(JSONValue.self, from: Data(metadata.utf8))) ?? .object([:])
        let line = JSONValue.object(["id": .string(id), "text": .string(text), "metadata": meta])
        return (try? Self.canonical(line)) ?? "{}"
    }

    /// Identifies the content: text, metadata and vector. An upsert with the same hash changes nothing.
    var contentHash: String {
        var bytes = Array(text.utf8) + [0] + Array(metadata.utf8) + [0]
        vector.withUnsafeBytes { bytes += $0 }
        return ContentHash.sha256(bytes)
    }
}
