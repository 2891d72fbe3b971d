import Foundation

/// Where the tests find the model (`make model` puts it there) and the shared reference fixtures.
enum ModelFiles {
    static let repository = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    static var modelDirectory: URL {
        if let dir = ProcessInfo.processInfo.environment["KURA_MODEL_DIR"] { return URL(fileURLWithPath: dir) }
        return repository.appendingPathComponent("models/all-MiniLM-L6-v2")
    }

    static var shared: URL {
        if let dir = ProcessInfo.processInfo.environment["KURA_SHARED"] { return URL(fileURLWithPath: dir) }
        return repository.deletingLastPathComponent().appendingPathComponent("shared")
    }

    struct Case: Decodable {
        let name: String
        let text: String
        let tokenIds: [Int32]
        let embedding: [Double]

        enum CodingKeys: String, CodingKey {
            case name, text, embedding
            case tokenIds = "token_ids"
        }
    }

    struct Reference: Decodable { let cases: [Case] }

    static func reference() throws -> Reference {
        let url = shared.appendingPathComponent("fixtures/minilm-reference.json")
        return try JSONDecoder().decode(Reference.self, from: Data(contentsOf: url))
    }
}
