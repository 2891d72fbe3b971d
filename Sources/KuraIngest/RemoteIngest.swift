import Dispatch
import Foundation
import KuraCore
import KuraHTTPClient
import KuraStore

/// `kura ingest --url`: files are read and loaded here, and sent as raw text, with their format in the
/// metadata, to a running server's `POST /v1/collections/{name}/documents`, which chunks and embeds them
/// exactly as a local ingest would. For a Kubernetes Job beside the one writer that owns the data volume.
public struct RemoteIngest {
    public var base: String
    public var collection: String
    public var apiKey: String?
    /// A request carries at most this many documents, or about this many bytes of text.
    public var batchDocuments = 64
    public var batchBytes = 1 << 20
    public var timeout: Double = 600
    let client = HTTPClient()

    public init(base: String, collection: String, apiKey: String? = nil) {
        var b = base
        while b.hasSuffix("/") { b.removeLast() }
        self.base = b
        self.collection = collection
        self.apiKey = apiKey
    }

    public func run(paths: [String], glob: String?, _ onEvent: (IngestPipeline.Event) -> Void) throws -> IngestPipeline.Summary {
        let started = DispatchTime.now().uptimeNanoseconds
        let files = try SourceFiles.list(paths, glob: glob)
        try createCollection()
        var summary = IngestPipeline.Summary()
        var progress = IngestPipeline.Progress()
        summary.files = files.count
        progress.filesTotal = files.count
        var batch: [SourceDocument] = []
        var bytes = 0
        func send() throws {
            guard !batch.isEmpty else { return }
            let (written, unchanged) = try upsert(batch)
            summary.documents += batch.count
            summary.written += written
            summary.unchanged += unchanged
            progress.documents = summary.documents
            onEvent(.committed(ids: batch.map(\.id)))
            batch.removeAll()
            bytes = 0
        }
        for file in files {
            do {
                for doc in try DocumentLoader.load(path: file.path, id: file.id) {
                    if batch.count == batchDocuments || bytes + doc.text.utf8.count > batchBytes || batch.contains(where: { $0.id == doc.id }) { try send() }
                    batch.append(doc)
                    bytes += doc.text.utf8.count
                }
            } catch let e as KuraError {
                summary.failedFiles += 1
                summary.failures.append((file.path, "\(e)"))
                onEvent(.failed(path: file.path, message: "\(e)"))
            }
            progress.filesDone += 1
            progress.seconds = Double(DispatchTime.now().uptimeNanoseconds - started) / 1e9
            onEvent(.progress(progress))
        }
        try send()
        summary.seconds = Double(DispatchTime.now().uptimeNanoseconds - started) / 1e9
        return summary
    }

    /// Creates the collection with the server's embedder; one that exists already is fine.
    func createCollection() throws {
        let r = try post("/v1/collections", ["name": collection])
        if r.status == 201 || r.status == 409 { return }
        throw KuraError.invalidArgument("\(base): creating collection '\(collection)' failed with \(r.status): \(Self.message(r.body))")
    }

    /// One batch, one transaction on the server: (written, unchanged).
    func upsert(_ docs: [SourceDocument]) throws -> (Int, Int) {
        let documents = docs.map { d -> [String: Any] in
            let meta = (try? JSONSerialization.jsonObject(with: Data(d.metadata.utf8))) ?? [String: Any]()
            return ["id": d.id, "text": d.text, "metadata": meta]
        }
        let r = try post("/v1/collections/\(collection)/documents", ["documents": documents])
        guard r.status == 200 || r.status == 201 else {
            throw KuraError.invalidArgument("\(base): upsert of \(docs.count) document(s) failed with \(r.status): \(Self.message(r.body))")
        }
        let o = (try? JSONSerialization.jsonObject(with: r.body)) as? [String: Any] ?? [:]
        return ((o["written"] as? [Any])?.count ?? 0, (o["unchanged"] as? [Any])?.count ?? 0)
    }

    private func post(_ path: String, _ body: [String: Any]) throws -> HTTPClient.Response {
        var headers = ["Content-Type": "application/json"]
        if let apiKey { headers["Authorization"] = "Bearer \(apiKey)" }
        let data = try JSONSerialization.data(withJSONObject: body)
        do {
            return try client.send(HTTPClient.Request(url: base + path, headers: headers, body: data, timeout: timeout))
        } catch let e as HTTPClient.TransportError {
            throw KuraError.io(path: e.url, reason: e.message)
        }
    }

    /// The `error` (Kura) or `detail` (KAITO) message of an error body, else the body itself.
    static func message(_ body: Data) -> String {
        let o = (try? JSONSerialization.jsonObject(with: body)) as? [String: Any]
        if let e = o?["error"] as? [String: Any], let m = e["message"] as? String { return m }
        if let m = (o?["error"] as? String) ?? (o?["detail"] as? String) { return m }
        return String(decoding: body.prefix(300), as: UTF8.self)
    }
}
