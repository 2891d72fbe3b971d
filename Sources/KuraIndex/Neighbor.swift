/// One search hit: a row of the index and its distance to the query (smaller is closer; see
/// `Metric.score(distance:)` for a higher-is-better score).
public struct Neighbor: Sendable, Equatable, CustomStringConvertible {
    /// The row in the index or segment searched.
    public var row: UInt32
    /// Its distance to the query.
    public var distance: Float

    /// A hit at `row`, `distance` away.
    public init(row: UInt32, distance: Float) {
        self.row = row
        self.distance = distance
    }

    /// `row:distance`, for test failures and logs.
    public var description: String { "\(row):\(distance)" }
}
