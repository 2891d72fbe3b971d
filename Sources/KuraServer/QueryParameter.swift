import Foundation
import Hummingbird
import KuraCore
import KuraRetrieval
import KuraStore

/// Query parameters through the same checks.
enum QueryParameter {
    static func integer(_ request: Request, _ name: String, in range: ClosedRange<Int>, default fallback: Int) throws -> Int {
        guard let raw = request.uri.queryParameters.get(name) else { return fallback }
        guard let v = Int(raw) else { throw APIError.field(name, "must be an integer \(Checked.describe(range)), got '\(raw.prefix(64))'") }
        return try Checked.integer(v, field: name, in: range)
    }

    /// true/false (also 1/0, yes/no, on/off, as FastAPI reads them).
    static func bool(_ request: Request, _ name: String, default fallback: Bool) throws -> Bool {
        guard let raw = request.uri.queryParameters.get(name) else { return fallback }
        switch raw.lowercased() {
        case "true", "1", "yes", "on": return true
        case "false", "0", "no", "off": return false
        default: throw APIError.field(name, "must be true or false, got '\(raw.prefix(64))'")
        }
    }
}
