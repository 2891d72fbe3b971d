/// Errors Kura reports to users. Each carries a message that says what was wrong and, where it helps,
/// what to do about it.
public enum KuraError: Error, Equatable, Sendable, CustomStringConvertible {
    /// A caller passed something invalid (wrong dimension, NaN, bad option).
    case invalidArgument(String)
    /// A file is not what it claims to be: truncated, corrupt, or of an unknown version.
    case corruptFile(path: String, reason: String)
    /// An operating-system call failed.
    case io(path: String, reason: String)
    /// A fixed-size structure is full.
    case capacityExceeded(String)
    /// Something that must exist does not.
    case notFound(String)
    /// Something that must not exist yet does (a collection of that name).
    case conflict(String)
    /// A server Kura relies on (an embedding or model server) failed, or answered with something unusable.
    case upstream(String)

    /// The message for people: the path first where there is one.
    public var description: String {
        switch self {
        case .invalidArgument(let m): m
        case .corruptFile(let path, let reason): "\(path): \(reason)"
        case .io(let path, let reason): "\(path): \(reason)"
        case .capacityExceeded(let m): m
        case .notFound(let m): m
        case .conflict(let m): m
        case .upstream(let m): m
        }
    }
}
