import COpenSSL

/// SHA-256, as lower-case hex: the content hash that makes document upserts idempotent.
public enum ContentHash {
    public static func sha256(_ bytes: [UInt8]) -> String {
        var digest = [UInt8](repeating: 0, count: Int(SHA256_DIGEST_LENGTH))
        _ = SHA256(bytes, bytes.count, &digest)
        let hex = Array("0123456789abcdef")
        return String(digest.flatMap { [hex[Int($0 >> 4)], hex[Int($0 & 15)]] })
    }

    public static func sha256(_ text: String) -> String { sha256(Array(text.utf8)) }
}
