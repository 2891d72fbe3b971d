import CKuraKernels
import Foundation
import GRDB
import KuraCore
import KuraIndex

/// A stored chunk, for search results and export.
public struct StoredChunk: Sendable, Equatable {
    /// The chunk's id.
    public var chunkID: Int64
    /// Its document's id.
    public var documentID: String
    /// The chunk's text.
    public var text: String
    /// The document's metadata, a JSON object as text.
    public var metadata: String
    /// Where the chunk starts in its document, in Unicode scalars.
    public var start: Int
    /// Where it ends (exclusive).
    public var end: Int
    /// The chunk's own metadata (its heading path, the pages or slide it holds), a JSON object as text.
    public var chunkMetadata: String = "{}"
}
