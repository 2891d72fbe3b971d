import Foundation
import Hummingbird
import KuraCore
import KuraEmbed

/// `POST /v1/embeddings`, OpenAI-compatible, served by Kura's own embedder.
enum EmbeddingsRoute {
    struct Body: Decodable {
        var input: [String]
        var model: String?
        /// Accepted when it is the embedder's own dimension: the embedder cannot shorten its vectors.
        var dimensions: Int?

        enum CodingKeys: String, CodingKey { case input, model, dimensions }

        init(from decoder: any Decoder) throws {
            let c = try decoder.container(keyedBy: CodingKeys.self)
            if let one = try? c.decode(String.self, forKey: .input) {
                input = [one]
            } else {
                guard let many = try? c.decode([String].self, forKey: .input) else {
                    throw APIError.field("input", "must be a string or an array of strings")
                }
                input = many
            }
            model = try c.optional(.model)
            dimensions = try c.integer(.dimensions, in: 1...65_536)
        }
    }

    /// The most texts one request may embed.
    static let maxInputs = 2048

    static func handle(_ request: Request, _ service: KuraService) async throws -> Response {
        let body = try await RequestBody.decode(Body.self, from: request, limit: service.maxBodyBytes)
        let texts = body.input
        guard (1...maxInputs).contains(texts.count) else { throw APIError.field("input", "must hold 1 to \(maxInputs) texts, got \(texts.count)") }
        let vectors = try await blocking {
            if let d = body.dimensions, case let own = try service.embedder.resolvedDimension(), d != own {
                throw APIError.field("dimensions", "must be \(own), the embedder's own, got \(d)")
            }
            return try service.embedder.embed(texts)
        }
        let tokens = texts.reduce(0) { $0 + service.embedder.tokenCounter.countTokens($1) }
        return try JSONResponse.make([
            "object": "list", "model": service.embedder.id,
            "data": vectors.enumerated().map { ["object": "embedding", "index": $0.offset, "embedding": $0.element.map(Double.init)] as [String: Any] },
            "usage": ["prompt_tokens": tokens, "total_tokens": tokens],
        ])
    }
}
