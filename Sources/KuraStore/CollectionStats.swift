import CKuraKernels
import Foundation
import GRDB
import KuraCore
import KuraIndex

/// Counts for `kura collections stats`.
public struct CollectionStats: Sendable, Equatable, Codable {
    /// Documents stored.
    public var documents: Int
    /// Chunks stored.
    public var chunks: Int
    /// Live vectors: pending plus sealed rows not tombstoned.
    public var vectors: Int
    /// Vectors committed and not yet in a sealed segment.
    public var pendingVectors: Int
    /// Sealed segments.
    public var segments: Int
    /// Sealed rows deleted since sealing (dropped at compaction).
    public var tombstones: Int
    /// Bytes of segment files.
    public var bytes: Int
}
