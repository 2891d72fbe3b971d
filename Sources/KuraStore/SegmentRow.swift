import Foundation
import GRDB
import KuraCore
import KuraIndex
import KuraText
import Synchronization

/// A row of a sealed segment, by the segment's catalog id.
public struct SegmentRow: Sendable, Hashable {
    /// The segment's catalog id.
    public var segment: Int64
    /// The row in that segment's file.
    public var row: UInt32

    /// The row `row` of segment `segment`.
    public init(segment: Int64, row: UInt32) {
        (self.segment, self.row) = (segment, row)
    }
}
