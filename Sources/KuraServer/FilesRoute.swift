import Foundation
import Hummingbird
import KuraIngest

/// `POST /v1/collections/{name}/files`: a document file (PDF, Word, PowerPoint, OpenDocument, EPUB,
/// text) run through the loaders `kura ingest` uses, so a client without Kura's CLI can upload one.
enum FilesRoute {
    static func add<Context: RequestContext>(to v1: RouterGroup<Context>, _ service: KuraService) {
        v1.post(":name/files") { request, context in
            let name = try context.parameters.require("name")
            let body = try await RequestBody.bytes(request, limit: service.maxBodyBytes)
            let upload = try Upload(
                body: body, contentType: request.headers[.contentType], filename: request.uri.queryParameters.get("filename"),
                id: request.uri.queryParameters.get("id"))
            let id = upload.id ?? upload.name
            guard !id.isEmpty, id.utf8.count <= 1024 else { throw APIError.field("id", "must be 1 to 1024 bytes") }
            guard DocumentLoader.supports(upload.name) else {
                throw APIError(.unsupportedMediaType, DocumentLoader.unsupported(upload.name) ?? "unsupported format")
            }
            let result = try await blocking {
                try service.upsert(name, loaded: try DocumentLoader.load(upload.data, name: upload.name, id: id))
            }
            return try JSONResponse.make(["written": result.written, "unchanged": result.unchanged])
        }
    }
}
