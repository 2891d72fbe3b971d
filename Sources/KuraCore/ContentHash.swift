import COpenSSL

/// SHA-256, as lower-case hex: the content hash that makes document upserts idempotent.
public enum ContentHash {
    /// The SHA-256 of `bytes`, as 64 lower-case hex digits.
    public static func sha256(_ bytes: [UInt8]) -> String {
        bytes.withUnsafeBytes { sha256($0) }
    }

    /// The SHA-256 of the bytes in `bytes`, as 64 lower-case hex digits.
    public static func sha256(_ bytes: UnsafeRawBufferPointer) -> String {
        withUnsafeTemporaryAllocation(of: UInt8.self, capacity: Int(SHA256_DIGEST_LENGTH)) { digest in
            _ = SHA256(bytes.baseAddress?.assumingMemoryBound(to: UInt8.self), bytes.count, digest.baseAddress)
            return String(unsafeUninitializedCapacity: 2 * digest.count) { out in
                for (i, b) in digest.enumerated() {
                    out[2 * i] = hexDigits[Int(b >> 4)]
                    out[2 * i + 1] = hexDigits[Int(b & 15)]
                }
                return 2 * digest.count
            }
        }
    }

    /// The SHA-256 of `text`'s UTF-8, as 64 lower-case hex digits.
    public static func sha256(_ text: String) -> String { sha256(Array(text.utf8)) }

    private static let hexDigits = Array("0123456789abcdef".utf8)
}
