import Foundation
import MultipartKit
import NIOCore

/// A file sent to `POST /v1/collections/{name}/files`: its bytes and the name that gives its format,
/// from a `multipart/form-data` part named `file` (with an optional `id` part) or from a raw body whose
/// Content-Type names the format.
struct Upload {
    var name: String
    var data: Data
    var id: String?

    /// Media types a raw body may carry, with the extension the loaders know them by.
    static let mediaTypes: [String: String] = [
        "application/pdf": "pdf",
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document": "docx",
        "application/vnd.openxmlformats-officedocument.presentationml.presentation": "pptx",
        "application/vnd.oasis.opendocument.text": "odt",
        "application/vnd.oasis.opendocument.presentation": "odp",
        "application/epub+zip": "epub",
        "text/plain": "txt", "text/markdown": "md", "text/html": "html", "application/xhtml+xml": "xhtml",
        "application/jsonl": "jsonl", "application/x-ndjson": "jsonl",
    ]

    /// The upload in `body`, sent with `contentType`; `filename` (a query parameter) names a raw body.
    /// - Throws: `APIError` 415 for a media type no loader reads, 400 for a malformed multipart body.
    init(body: ByteBuffer, contentType: String?, filename: String?, id: String?) throws {
        let (type, parameters) = Self.split(contentType ?? "")
        if type == "multipart/form-data" {
            guard let boundary = parameters["boundary"], !boundary.isEmpty else {
                throw APIError(.badRequest, "a multipart/form-data body needs a boundary parameter in its Content-Type")
            }
            try self.init(multipart: body, boundary: boundary, id: id)
        } else {
            let named = filename.map { ($0 as NSString).lastPathComponent }.flatMap { $0.isEmpty ? nil : $0 }
            guard let name = named ?? Self.mediaTypes[type].map({ "upload.\($0)" }) else {
                throw APIError(
                    .unsupportedMediaType,
                    "Content-Type '\(type.prefix(100))' is not a document format Kura reads; send one of \(Self.mediaTypes.keys.sorted().joined(separator: ", ")), multipart/form-data, or name the file with ?filename="
                )
            }
            self.init(name: name, data: Data(buffer: body), id: id)
        }
    }

    init(name: String, data: Data, id: String?) {
        self.name = name
        self.data = data
        self.id = id
    }

    /// The part named `file` (its filename gives the format) and an optional part named `id`.
    private init(multipart body: ByteBuffer, boundary: String, id: String?) throws {
        var parts: [(headers: [String: String], body: [UInt8])] = []
        var headers: [String: String] = [:]
        var bytes: [UInt8] = []
        let parser = MultipartParser(boundary: boundary)
        parser.onHeader = { field, value in headers[field.lowercased()] = value }
        parser.onBody = { buffer in bytes += buffer.readBytes(length: buffer.readableBytes) ?? [] }
        parser.onPartComplete = {
            parts.append((headers, bytes))
            headers = [:]
            bytes = []
        }
        do { try parser.execute(body) } catch { throw APIError(.badRequest, "the multipart/form-data body is malformed") }
        func disposition(_ part: (headers: [String: String], body: [UInt8])) -> [String: String] {
            Self.split(part.headers["content-disposition"] ?? "").parameters
        }
        guard let file = parts.first(where: { disposition($0)["name"] == "file" }) else {
            throw APIError(.badRequest, "the multipart/form-data body has no part named \"file\"")
        }
        let partID = parts.first { disposition($0)["name"] == "id" }.map { String(decoding: $0.body, as: UTF8.self) }
        let filename = disposition(file)["filename"].map { ($0 as NSString).lastPathComponent } ?? ""
        let typed = Self.mediaTypes[Self.split(file.headers["content-type"] ?? "").type].map { "upload.\($0)" }
        guard let name = filename.isEmpty ? typed : filename else {
            throw APIError(.badRequest, "the \"file\" part needs a filename (or a Content-Type of a format Kura reads)")
        }
        self.init(name: name, data: Data(file.body), id: id ?? partID)
    }

    /// `type/subtype; a=b; c="d"` as the lower-cased type and its parameters (names lower-cased).
    static func split(_ header: String) -> (type: String, parameters: [String: String]) {
        let pieces = header.split(separator: ";", omittingEmptySubsequences: false)
        var parameters: [String: String] = [:]
        for piece in pieces.dropFirst() {
            guard let eq = piece.firstIndex(of: "=") else { continue }
            let key = piece[..<eq].trimmingCharacters(in: .whitespaces).lowercased()
            var value = piece[piece.index(after: eq)...].trimmingCharacters(in: .whitespaces)
            if value.count >= 2, value.hasPrefix("\""), value.hasSuffix("\"") { value = String(value.dropFirst().dropLast()) }
            parameters[key] = value
        }
        return ((pieces.first.map(String.init) ?? "").trimmingCharacters(in: .whitespaces).lowercased(), parameters)
    }
}
