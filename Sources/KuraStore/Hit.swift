import Foundation
import GRDB
import KuraCore
import KuraIndex
import KuraText
import Synchronization

/// One search hit: a chunk and its distance (smaller is closer) and score (higher is better), with the
/// sealed segment row it was found at (nil for a row of an in-memory graph), so that what the row's file
/// holds about it is read without the catalog.
public struct Hit: Sendable, Equatable {
    /// The chunk's id.
    public var chunkID: Int64
    /// Its distance to the query, as the search ranks (lexical: the negated BM25 score).
    public var distance: Float
    /// Its score, higher is better (dense: the metric's score; lexical: BM25).
    public var score: Float
    /// Where it was found, when in a sealed segment.
    public var location: SegmentRow? = nil

    /// A hit with the fields above.
    public init(chunkID: Int64, distance: Float, score: Float, location: SegmentRow? = nil) {
        (self.chunkID, self.distance, self.score, self.location) = (chunkID, distance, score, location)
    }
}
