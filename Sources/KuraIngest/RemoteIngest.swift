import Dispatch
import Foundation
import KuraCore
import KuraEmbed
import KuraHTTPClient
import KuraStore

/// `kura ingest --url`: files are read and loaded here and sent to a running server's
/// `POST /v1/collections/{name}/documents`. By default they go as raw text, with their format in the
/// metadata (PDF and Office files as they are, to `POST .../files`), and the server chunks and embeds
/// them exactly as a local ingest would. With a `local`
/// embedder they are chunked and embedded here and sent as chunks with vectors, which the server stores
/// as they are: embedding is nearly all of an ingest's work, so many such workers (each with its
/// ``Shard``) load a corpus in parallel beside the one writer that owns the data volume.
public struct RemoteIngest {
    /// The server's base URL, without a trailing slash.
    public var base: String
    /// The collection written to (created when missing).
    public var collection: String
    /// Sent as `Authorization: Bearer` when set.
    public var apiKey: String?
    /// A request carries at most this many documents, or about this many bytes of text.
    public var batchDocuments = 64
    /// See `batchDocuments`.
    public var batchBytes = 1 << 20
    /// Seconds one request may take.
    public var timeout: Double = 600
    /// The documents this worker sends; the others' are skipped.
    public var shard = Shard.all
    /// Chunks and embeds here when set (chunk size and overlap as a local ingest's).
    public var local: (embedder: any Embedder, chunkTokens: Int, overlap: Int)?
    let client = HTTPClient()

    /// An ingest into `collection` on the server at `base`.
    public init(base: String, collection: String, apiKey: String? = nil) {
        var b = base
        while b.hasSuffix("/") { b.removeLast() }
        self.base = b
        self.collection = collection
        self.apiKey = apiKey
    }

    /// Sends every file under `paths` (narrowed by `glob`), reporting to `onEvent` as it goes.
    /// - Throws: `KuraError.invalidArgument` when the server refuses the collection or a batch, `.io` when
    /// it cannot be reached; batches the server accepted before stay.
    public func run(paths: [String], glob: String?, _ onEvent: (IngestPipeline.Event) -> Void) throws -> IngestPipeline.Summary {
        let started = DispatchTime.now().uptimeNanoseconds
        let listing = try SourceFiles.list(paths, glob: glob)
        let files = listing.files
        try createCollection()
        var summary = IngestPipeline.Summary()
        summary.skip(listing, onEvent)
        var progress = IngestPipeline.Progress()
        summary.files = files.count
        progress.filesTotal = files.count
        var batch: [SourceDocument] = []
        var bytes = 0
        func send() throws {
            guard !batch.isEmpty else { return }
            let (written, unchanged) = try upsert(batch, &summary)
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
                if local == nil && DocumentLoader.isBinary(file.path) && !shard.owns(file.id) {
                    summary.otherShards += 1
                } else if local == nil && DocumentLoader.isBinary(file.path) {
                    try upload(file, &summary)
                    progress.documents = summary.documents
                    onEvent(.committed(ids: [file.id]))
                } else {
                    for doc in try DocumentLoader.load(path: file.path, id: file.id) {
                        guard shard.owns(doc.id) else {
                            summary.otherShards += 1
                            continue
                        }
                        if batch.count == batchDocuments || bytes + doc.text.utf8.count > batchBytes || batch.contains(where: { $0.id == doc.id }) {
                            try send()
                        }
                        batch.append(doc)
                        bytes += doc.text.utf8.count
                    }
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

    /// Creates the collection with the server's embedder, or the local one's; one that exists already is
    /// fine (the server refuses vectors of another embedder at the first upsert).
    func createCollection() throws {
        var body: [String: Any] = ["name": collection]
        if let local {
            body["embedder"] = local.embedder.id
            body["dimension"] = try local.embedder.resolvedDimension()
        }
        let r = try post("/v1/collections", body)
        if r.status == 201 || r.status == 409 { return }
        throw KuraError.invalidArgument("\(base): creating collection '\(collection)' failed with \(r.status): \(Self.message(r.body))")
    }

    /// One batch, one transaction on the server: (written, unchanged).
    func upsert(_ docs: [SourceDocument], _ summary: inout IngestPipeline.Summary) throws -> (Int, Int) {
        var body: [String: Any]
        if let local {
            let started = DispatchTime.now().uptimeNanoseconds
            let chunker = Chunker(embedder: local.embedder, chunkTokens: local.chunkTokens, overlap: local.overlap)
            let settings = chunker.settings(embedder: local.embedder)
            let hashed = docs.map { ($0, Record.hash(text: $0.text, metadata: $0.metadata, settings: settings)) }
            let records = try chunker.records(hashed, embedder: local.embedder)
            summary.embedSeconds += Double(DispatchTime.now().uptimeNanoseconds - started) / 1e9
            summary.count(records)
            body = ["documents": try records.map(Self.json), "embedder": local.embedder.id]
        } else {
            body = ["documents": docs.map { ["id": $0.id, "text": $0.text, "metadata": Self.object($0.metadata)] }]
        }
        let r = try post("/v1/collections/\(collection)/documents", body)
        guard r.status == 200 || r.status == 201 else {
            throw KuraError.invalidArgument("\(base): upsert of \(docs.count) document(s) failed with \(r.status): \(Self.message(r.body))")
        }
        let o = (try? JSONSerialization.jsonObject(with: r.body)) as? [String: Any] ?? [:]
        return ((o["written"] as? [Any])?.count ?? 0, (o["unchanged"] as? [Any])?.count ?? 0)
    }

    /// A PDF or Office file sent as it is to `POST .../files`, so the server reads its pages, slides and
    /// headings with the loaders a local ingest uses (raw text would lose them).
    func upload(_ file: SourceFiles.Entry, _ summary: inout IngestPipeline.Summary) throws {
        let data: Data
        do { data = try Data(contentsOf: URL(fileURLWithPath: file.path)) } catch {
            throw KuraError.io(path: file.path, reason: "cannot read: \(error.localizedDescription)")
        }
        var query = URLComponents()
        query.queryItems = [URLQueryItem(name: "id", value: file.id), URLQueryItem(name: "filename", value: (file.path as NSString).lastPathComponent)]
        let r = try send("/v1/collections/\(collection)/files?" + (query.percentEncodedQuery ?? ""), data, type: "application/octet-stream")
        guard r.status == 200 else { throw KuraError.invalidArgument("\(file.path): \(Self.message(r.body))") }
        let o = (try? JSONSerialization.jsonObject(with: r.body)) as? [String: Any] ?? [:]
        summary.documents += 1
        summary.written += (o["written"] as? [Any])?.count ?? 0
        summary.unchanged += (o["unchanged"] as? [Any])?.count ?? 0
    }

    /// A record as the API's document with chunks.
    static func json(_ r: Record) throws -> [String: Any] {
        let chunks = r.chunks.map { c -> [String: Any] in
            ["text": c.text, "start": c.start, "end": c.end, "token_count": c.tokenCount, "metadata": object(c.metadata), "vector": c.vector]
        }
        return ["id": r.id, "text": r.text, "metadata": object(r.metadata), "content_hash": r.contentHash, "chunks": chunks]
    }

    /// Canonical JSON object text as an object to send.
    static func object(_ text: String) -> Any {
        (try? JSONSerialization.jsonObject(with: Data(text.utf8))) ?? [String: Any]()
    }

    private func post(_ path: String, _ body: [String: Any]) throws -> HTTPClient.Response {
        try send(path, try JSONSerialization.data(withJSONObject: body), type: "application/json")
    }

    private func send(_ path: String, _ data: Data, type: String) throws -> HTTPClient.Response {
        var headers = ["Content-Type": type]
        if let apiKey { headers["Authorization"] = "Bearer \(apiKey)" }
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
