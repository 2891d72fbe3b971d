/// How a filtered search runs.
public enum FilterStrategy: Sendable {
    /// Exact search over the allowed rows when they are few, the filtered graph walk otherwise.
    case automatic
    /// Always walk the graph.
    case graph
    /// Always scan the allowed rows exactly.
    case exact
}
