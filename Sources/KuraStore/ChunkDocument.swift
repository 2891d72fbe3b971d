import Foundation
import GRDB
import KuraCore
import KuraIndex
import Synchronization

/// A chunk's document (its catalog id) and the vector that ranks it among documents (see `documents(of:)`).
public struct ChunkDocument: Sendable, Equatable {
    /// The document's catalog id.
    public var document: Int64
    /// The vector that ranks it, when one was found.
    public var vector: [Float]?
}
