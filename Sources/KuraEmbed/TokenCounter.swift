import Foundation
import KuraCore

/// Counts tokens the way an embedder will see them; the chunker and context assembly use it.
public protocol TokenCounter: Sendable {
    /// Tokens in `text`.
    func countTokens(_ text: String) -> Int
}
