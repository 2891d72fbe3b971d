/// How two vectors are compared.
///
/// Internally every search ranks by a *distance*, where smaller is closer. Callers that want a score
/// where higher is better use ``score(distance:)``.
public enum Metric: String, Sendable, CaseIterable, Codable {
    /// Cosine similarity. Vectors are normalised on insert, so it is an inner product on unit vectors.
    case cosine
    /// Inner product, unnormalised.
    case innerProduct = "ip"
    /// Squared Euclidean distance.
    case l2

    /// Accepts the names users type: `cosine`, `ip` / `dot` / `inner_product`, `l2` / `euclidean`.
    public init?(name: String) {
        switch name.lowercased() {
        case "cosine", "cos": self = .cosine
        case "ip", "dot", "inner_product", "innerproduct": self = .innerProduct
        case "l2", "euclidean": self = .l2
        default: return nil
        }
    }

    /// The code stored on disk; never reuse a value.
    public var code: UInt32 {
        switch self {
        case .cosine: 1
        case .innerProduct: 2
        case .l2: 3
        }
    }

    /// The metric with the on-disk `code`; nil for an unknown code.
    public init?(code: UInt32) {
        guard let m = Metric.allCases.first(where: { $0.code == code }) else { return nil }
        self = m
    }

    /// Whether vectors are scaled to unit length when stored (and queries before searching).
    public var normalizes: Bool { self == .cosine }

    /// A score where higher is better: cosine similarity, inner product, or negated squared L2.
    public func score(distance: Float) -> Float {
        switch self {
        case .cosine: 1 - distance
        case .innerProduct, .l2: -distance
        }
    }
}
