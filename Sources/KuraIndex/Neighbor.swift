/// One search hit: a row of the index and its distance to the query (smaller is closer; see
/// `Metric.score(distance:)` for a higher-is-better score).
public struct Neighbor: Sendable, Equatable, CustomStringConvertible {
    public var row: UInt32
    public var distance: Float

    public init(row: UInt32, distance: Float) {
        self.row = row
        self.distance = distance
    }

    public var description: String { "\(row):\(distance)" }
}
