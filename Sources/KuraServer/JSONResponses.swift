import Foundation
import Hummingbird
import KuraCore

/// JSON responses. A value that cannot be encoded is an error (a 500 through ``APIError``), never an
/// empty object answered as a success.
enum JSONResponse {
    static func make(_ object: Any, status: HTTPResponse.Status = .ok) throws -> Response {
        guard JSONSerialization.isValidJSONObject(object) else {
            throw APIError(.internal, "the answer could not be encoded as JSON")
        }
        let data = try JSONSerialization.data(withJSONObject: object, options: [.sortedKeys, .withoutEscapingSlashes])
        return Response(status: status, headers: [.contentType: "application/json"], body: ResponseBody(byteBuffer: ByteBuffer(bytes: data)))
    }

    /// A body already written as JSON.
    static func bytes(_ json: [UInt8], status: HTTPResponse.Status = .ok) -> Response {
        Response(status: status, headers: [.contentType: "application/json"], body: ResponseBody(byteBuffer: ByteBuffer(bytes: json)))
    }
}
