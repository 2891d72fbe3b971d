import Dispatch
import Foundation
import KuraCore
import KuraEmbed
import KuraStore

/// Files to chunks to vectors to the store, batch by batch: load, skip documents whose content hash is
/// unchanged (so nothing unchanged is embedded twice and an interrupted run resumes where it stopped),
/// chunk, embed, and upsert each batch in one transaction. A file that fails to load is reported and
/// skipped; an embedding or storage failure stops the run with nothing of that batch written.
public final class IngestPipeline {
    /// How a run chunks and which files it takes.
    public struct Options: Sendable {
        /// Tokens per chunk at most.
        public var chunkTokens = 256
        /// Tokens a chunk repeats from the one before.
        public var overlap = 32
        /// Narrows the files a directory walk finds (see `SourceFiles.list`).
        public var glob: String?
        /// Chunks embedded and committed together.
        public var batchChunks = 256
        /// The part of the input this run loads; documents of other shards are counted, not loaded.
        public var shard = Shard.all
        /// The defaults above.
        public init() {}
    }

    /// What a run reports as it goes.
    public enum Event {
        /// A batch is durable: these document ids were written or found unchanged.
        case committed(ids: [String])
        case failed(path: String, message: String)
        /// A file the walk found and left out (its format, its size), with why.
        case skipped(path: String, reason: String)
        case progress(Progress)
    }

    /// Counts so far, reported after each file.
    public struct Progress: Sendable {
        public var filesDone = 0, filesTotal = 0
        public var documents = 0, chunks = 0, tokens = 0
        /// Seconds since the run started.
        public var seconds = 0.0
        /// Chunks written per second so far.
        public var chunksPerSecond: Double { seconds > 0 ? Double(chunks) / seconds : 0 }
        /// Seconds left, from the share of files done.
        public var eta: Double? { filesDone > 0 && filesDone < filesTotal ? seconds * Double(filesTotal - filesDone) / Double(filesDone) : nil }
    }

    /// What a whole run did.
    public struct Summary: Sendable {
        public var files = 0, failedFiles = 0
        public var documents = 0, written = 0, unchanged = 0
        /// Documents read but left to the other shards' workers.
        public var otherShards = 0
        public var chunks = 0, tokens = 0
        public var seconds = 0.0, embedSeconds = 0.0
        /// Each file that failed to load, with why.
        public var failures: [(path: String, message: String)] = []
        /// Files found and not loaded, with the reason: every one is reported.
        public var skipped: [SourceFiles.Skipped] = []

        /// Counts the chunks and tokens of written records.
        mutating func count(_ records: [Record]) {
            for r in records {
                chunks += r.chunks.count
                tokens += r.chunks.reduce(0) { $0 + $1.tokenCount }
            }
        }

        /// Counts the listing's skipped files and reports each.
        mutating func skip(_ listing: SourceFiles.Listing, _ onEvent: (Event) -> Void) {
            skipped += listing.skipped
            for s in listing.skipped { onEvent(.skipped(path: s.path, reason: s.reason)) }
        }
    }

    let collection: DocumentCollection
    let embedder: any Embedder
    let options: Options
    let chunker: Chunker
    private var summary = Summary()
    private var progress = Progress()
    private var batch: [(doc: SourceDocument, hash: String)] = []
    private var batchChunks = 0
    private let started = DispatchTime.now().uptimeNanoseconds

    /// A pipeline writing into `collection` with `embedder`, which must be the collection's.
    public init(collection: DocumentCollection, embedder: any Embedder, options: Options = Options()) {
        self.collection = collection
        self.embedder = embedder
        self.options = options
        chunker = Chunker(embedder: embedder, chunkTokens: options.chunkTokens, overlap: options.overlap)
    }

    var settings: String { chunker.settings(embedder: embedder) }

    /// Ingests every file under `paths`, reporting to `onEvent` as it goes.
    /// - Throws: what listing the paths, embedding or writing throws; batches committed before stay.
    public func run(paths: [String], _ onEvent: (Event) -> Void) throws -> Summary {
        let listing = try SourceFiles.list(paths, glob: options.glob)
        let files = listing.files
        summary.skip(listing, onEvent)
        progress.filesTotal = files.count
        summary.files = files.count
        for file in files {
            do {
                for doc in try DocumentLoader.load(path: file.path, id: file.id) {
                    guard options.shard.owns(doc.id) else {
                        summary.otherShards += 1
                        continue
                    }
                    try add(doc, onEvent)
                }
            } catch let e as KuraError where !isFatal(e) {
                summary.failedFiles += 1
                summary.failures.append((file.path, "\(e)"))
                onEvent(.failed(path: file.path, message: "\(e)"))
            }
            progress.filesDone += 1
            progress.seconds = elapsed
            onEvent(.progress(progress))
        }
        try commit(onEvent)
        try collection.flush()
        summary.seconds = elapsed
        return summary
    }

    /// Load errors (bad UTF-8, bad JSONL, unreadable) concern one file; anything else stops the run.
    private func isFatal(_ e: KuraError) -> Bool {
        if case .invalidArgument = e { return false }
        if case .io = e { return false }
        return true
    }

    private var elapsed: Double { Double(DispatchTime.now().uptimeNanoseconds - started) / 1e9 }

    private func add(_ doc: SourceDocument, _ onEvent: (Event) -> Void) throws {
        if batch.contains(where: { $0.doc.id == doc.id }) { try commit(onEvent) }
        batch.append((doc, Record.hash(text: doc.text, metadata: doc.metadata, settings: settings)))
        batchChunks += max(1, doc.text.utf8.count / (chunker.maxTokens * 4))
        if batchChunks >= options.batchChunks { try commit(onEvent) }
    }

    private func commit(_ onEvent: (Event) -> Void) throws {
        guard !batch.isEmpty else { return }
        defer {
            batch.removeAll()
            batchChunks = 0
        }
        let hashes = Dictionary(batch.map { ($0.doc.id, $0.hash) }, uniquingKeysWith: { a, _ in a })
        let unchanged = try collection.unchanged(hashes)
        let fresh = batch.filter { !unchanged.contains($0.doc.id) }
        // Timed with the chunking, which is a percent or two of it.
        let t0 = DispatchTime.now().uptimeNanoseconds
        let records = try chunker.records(fresh.map { ($0.doc, $0.hash) }, embedder: embedder)
        summary.embedSeconds += Double(DispatchTime.now().uptimeNanoseconds - t0) / 1e9
        summary.count(records)
        if !records.isEmpty { _ = try collection.upsert(records, wait: false) }
        summary.documents += batch.count
        summary.written += records.count
        summary.unchanged += unchanged.count
        progress.documents = summary.documents
        progress.chunks = summary.chunks
        progress.tokens = summary.tokens
        onEvent(.committed(ids: batch.map(\.doc.id)))
    }
}
