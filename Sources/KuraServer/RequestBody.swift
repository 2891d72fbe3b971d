import Foundation
import Hummingbird
import KuraCore
import KuraRetrieval
import KuraStore

/// Request bodies in, typed values out. Each route decodes its body into a type of its own, whose
/// numeric fields are read with the checked reads below, so a fraction, a value out of range (however
/// large) or a value of the wrong type is an ``APIError/Kind/invalidField`` error naming the field,
/// never a trap. Foundation's decoder reports a number it cannot convert without saying where; the
/// checked reads know the field and say it.
enum RequestBody {
    /// The raw body, at most `limit` bytes (413 beyond).
    static func bytes(_ request: Request, limit: Int) async throws -> ByteBuffer {
        do { return try await request.body.collect(upTo: limit) } catch {
            throw APIError(.tooLarge, "the request body is over \(limit) bytes")
        }
    }

    /// The body decoded as `T`.
    static func decode<T: Decodable>(_ type: T.Type, from request: Request, limit: Int) async throws -> T {
        try decode(T.self, from: Data(buffer: try await bytes(request, limit: limit)))
    }

    static func decode<T: Decodable>(_ type: T.Type, from data: Data) throws -> T {
        do { return try JSONDecoder().decode(T.self, from: data) } catch let e as DecodingError { throw describe(e) }
    }

    /// What a decoding failure means for the client, naming the field where Foundation says which.
    static func describe(_ e: DecodingError) -> APIError {
        switch e {
        case .keyNotFound(let key, let ctx):
            return .field(path(ctx.codingPath + [key]), "is required")
        case .typeMismatch(let type, let ctx), .valueNotFound(let type, let ctx):
            return ctx.codingPath.isEmpty
                ? APIError(.invalidField, "the body must be \(name(of: type))") : .field(path(ctx.codingPath), "must be \(name(of: type))")
        case .dataCorrupted(let ctx) where !ctx.codingPath.isEmpty:
            return .field(path(ctx.codingPath), "is invalid: \(ctx.debugDescription)")
        default:
            return APIError(.invalidField, "the body is not valid JSON, or holds a number no 64-bit float can hold")
        }
    }

    /// `documents[2].vector` for a coding path.
    static func path(_ keys: [any CodingKey]) -> String {
        var out = ""
        for key in keys {
            if let i = key.intValue {
                out += "[\(i)]"
            } else {
                out += (out.isEmpty ? "" : ".") + key.stringValue
            }
        }
        return out.isEmpty ? "the body" : out
    }

    private static func name(of type: Any.Type) -> String {
        switch type {
        case is String.Type: "a string"
        case is Int.Type, is Int64.Type: "an integer"
        case is Double.Type, is Float.Type: "a number"
        case is Bool.Type: "true or false"
        default: "\(type)".hasPrefix("Array") ? "an array" : "\(type)".hasPrefix("Dictionary") ? "an object" : "a \(type)"
        }
    }
}

extension KeyedDecodingContainer {
    /// An integer field in `range`; nil when absent or null.
    func integer(_ key: Key, in range: ClosedRange<Int>) throws -> Int? {
        guard contains(key), try !decodeNil(forKey: key) else { return nil }
        let field = RequestBody.path(codingPath + [key])
        if let i = try? decode(Int.self, forKey: key) { return try Checked.integer(i, field: field, in: range) }
        if let d = try? decode(Double.self, forKey: key) { return try Checked.integer(d, field: field, in: range) }
        throw APIError.field(field, "must be an integer \(Checked.describe(range))")
    }

    /// A number field in `range`; nil when absent or null.
    func number(_ key: Key, in range: ClosedRange<Double>) throws -> Double? {
        guard contains(key), try !decodeNil(forKey: key) else { return nil }
        let field = RequestBody.path(codingPath + [key])
        guard let d = try? decode(Double.self, forKey: key) else {
            throw APIError.field(field, "must be a number between \(range.lowerBound) and \(range.upperBound)")
        }
        return try Checked.number(d, field: field, in: range)
    }

    /// An array of numbers each within a 32-bit float's range (values too small for one become 0); nil
    /// when absent or null.
    func vector(_ key: Key) throws -> [Float]? {
        guard contains(key), try !decodeNil(forKey: key) else { return nil }
        let field = RequestBody.path(codingPath + [key])
        guard let values = try? decode([Double].self, forKey: key) else { throw APIError.field(field, "must be an array of numbers") }
        return try values.enumerated().map { i, v in
            guard abs(v) <= Double(Float.greatestFiniteMagnitude) else { throw APIError.field("\(field)[\(i)]", "is \(v), beyond a 32-bit float") }
            return Float(v)
        }
    }

    /// A JSON object field (metadata, a filter); nil when absent or null.
    func object(_ key: Key) throws -> JSONValue? {
        guard let value = try decodeIfPresent(JSONValue.self, forKey: key) else { return nil }
        guard case .object = value else { throw APIError.field(RequestBody.path(codingPath + [key]), "must be an object") }
        return value
    }

    /// A search mode: dense, lexical or hybrid; nil when absent or null.
    func mode(_ key: Key) throws -> Retriever.Mode? {
        guard let name: String = try optional(key) else { return nil }
        guard let mode = Retriever.Mode(rawValue: name) else {
            throw APIError.field(RequestBody.path(codingPath + [key]), "must be dense, lexical or hybrid, got '\(name.prefix(64))'")
        }
        return mode
    }

    /// Any other field through its own `Decodable`; nil when absent or null.
    func optional<T: Decodable>(_ key: Key) throws -> T? { try decodeIfPresent(T.self, forKey: key) }
}
