import Foundation
import GRDB
import KuraCore
import KuraIndex
import KuraText
import Synchronization

/// What one upsert batch did.
public struct UpsertResult: Sendable, Equatable {
    /// Ids written (new or changed), in input order.
    public var written: [String] = []
    /// Ids whose content hash matched: nothing was changed.
    public var unchanged: [String] = []
}
