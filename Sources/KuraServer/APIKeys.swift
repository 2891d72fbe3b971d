import Foundation
import Hummingbird
import KuraCore

/// Bearer API keys. When any are configured, every route but the health probes needs one; a request
/// without a valid key gets 401 with a JSON error. Keys are compared in constant time.
public struct APIKeys: Sendable {
    /// The keys, as UTF-8 bytes; empty: no key is asked for.
    public let keys: [[UInt8]]
    static let open: Set<String> = ["/healthz", "/readyz", "/health"]

    /// Keys given as strings.
    public init(_ keys: [String]) { self.keys = keys.map { Array($0.utf8) } }

    /// One key per line; blank lines and lines starting with '#' are skipped.
    public init(file: String) throws {
        guard let text = try? String(contentsOfFile: file, encoding: .utf8) else { throw KuraError.io(path: file, reason: "cannot read the API key file") }
        let keys = text.split(whereSeparator: \.isNewline).map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty && !$0.hasPrefix("#") }
        guard !keys.isEmpty else { throw KuraError.invalidArgument("\(file) holds no API key") }
        self.init(keys)
    }

    func accepts(_ header: String?) -> Bool {
        guard let header, header.hasPrefix("Bearer ") else { return false }
        let given = Array(header.dropFirst(7).utf8)
        var found = false
        for key in keys where key.count == given.count {
            var diff: UInt8 = 0
            for (a, b) in zip(key, given) { diff |= a ^ b }
            if diff == 0 { found = true }
        }
        return found
    }
}
