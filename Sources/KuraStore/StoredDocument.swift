import CKuraKernels
import Foundation
import GRDB
import KuraCore
import KuraIndex

/// A document as the API lists it; `cursor` orders pages.
public struct StoredDocument: Sendable, Equatable {
    /// The document's catalog id: pass it to `documents(after:limit:)` for the next page.
    public var cursor: Int64
    /// The document's id.
    public var id: String
    /// Its metadata, a JSON object as text.
    public var metadata: String
    /// Its chunks.
    public var chunks: Int
    /// Its text, when asked for.
    public var text: String?
}
