import Foundation

/// The statistics BM25 scores with, summed over every part of a collection's index.
public struct LexicalStats: Sendable, Equatable {
    /// Rows (or documents) counted, deleted ones included until compaction.
    public var documents = 0
    /// Their terms, summed.
    public var totalLength = 0

    /// Statistics of `documents` rows holding `totalLength` terms.
    public init(documents: Int = 0, totalLength: Int = 0) {
        self.documents = documents
        self.totalLength = totalLength
    }

    /// Terms per row on average; 0 when there are none.
    public var averageLength: Float { documents > 0 ? Float(Double(totalLength) / Double(documents)) : 0 }
}
