import Foundation
import Hummingbird
import KuraHTTPClient
import Synchronization

/// A streamed chat completion: the model server's status is read before Kura answers, so a refused or
/// failed request becomes a JSON error with a fitting status (never a 200 followed by an error event),
/// and only a 200 is streamed back as it arrives, after the sources event. A failure in mid-stream,
/// when the 200 is already sent, ends the stream with an SSE error event that is valid JSON.
struct ChatStream: Sendable {
    let client: HTTPClient

    /// How the model server began its answer.
    private enum Start: Sendable {
        case streaming
        case failed(APIError)
    }

    /// The most of a failed answer's body read for its error message.
    static let errorBodyLimit = 1 << 16

    func forward(_ request: HTTPClient.Request, sourcesEvent: Data) async throws -> Response {
        let (chunks, chunkSink) = AsyncStream<Data>.makeStream()
        let (starts, startSink) = AsyncStream<Start>.makeStream()
        let cancelled = Flag()
        let client = self.client
        DispatchQueue.global().async {
            var status = 0
            var errorBody = Data()
            do {
                try client.stream(request) { code, headers in
                    status = code
                    guard code == 200 else { return true }
                    // A 200 that is not an event stream is no stream to pass on.
                    guard (headers["content-type"] ?? "").contains("text/event-stream") else {
                        status = 0
                        startSink.yield(
                            .failed(
                                APIError(
                                    .upstream, "the inference server answered 200 with \(headers["content-type"] ?? "no content type"), not an event stream")))
                        return false
                    }
                    startSink.yield(.streaming)
                    return true
                } onData: { data in
                    if status == 200 {
                        chunkSink.yield(data)
                    } else if errorBody.count < Self.errorBodyLimit {
                        errorBody.append(data.prefix(Self.errorBodyLimit - errorBody.count))
                    }
                    return !cancelled.isSet
                }
                if status != 200 && status != 0 { startSink.yield(.failed(ChatCompletions.failure(status: status, body: errorBody))) }
            } catch let e as HTTPClient.TransportError {
                if status == 200 {
                    chunkSink.yield(Self.errorEvent("the inference server stopped in mid-answer: \(e.message)"))
                } else {
                    startSink.yield(.failed(APIError(.upstream, "the inference server is unreachable: \(e.message)")))
                }
            } catch {
                startSink.yield(.failed(APIError(.upstream, "the inference server failed: \(error)")))
            }
            startSink.finish()
            chunkSink.finish()
        }
        var first = starts.makeAsyncIterator()
        switch await first.next() {
        case .streaming:
            break
        case .failed(let error):
            throw error
        case nil:
            throw APIError(.upstream, "the inference server ended without answering")
        }
        let body = ResponseBody { writer in
            do {
                if !sourcesEvent.isEmpty { try await writer.write(ByteBuffer(bytes: sourcesEvent)) }
                for await data in chunks { try await writer.write(ByteBuffer(bytes: data)) }
                try await writer.finish(nil)
            } catch {
                // The client went away: stop reading from the model server.
                cancelled.set()
                throw error
            }
        }
        return Response(status: .ok, headers: [.contentType: "text/event-stream", .cacheControl: "no-cache"], body: body)
    }

    /// Set once the client has gone away.
    private final class Flag: Sendable {
        private let value = Atomic<Bool>(false)
        var isSet: Bool { value.load(ordering: .relaxed) }
        func set() { value.store(true, ordering: .relaxed) }
    }

    /// `data: {"object":"chat.completion.chunk","choices":[],"source_nodes":[...]}` and a blank line;
    /// nothing without sources.
    static func sourcesEvent(_ sources: [[String: Any]]?) -> Data {
        guard let sources else { return Data() }
        let chunk: [String: Any] = ["id": "kura-sources", "object": "chat.completion.chunk", "choices": [[String: Any]](), "source_nodes": sources]
        guard let json = try? JSONSerialization.data(withJSONObject: chunk) else {
            return errorEvent("the sources could not be encoded")
        }
        return Data("data: ".utf8) + json + Data("\n\n".utf8)
    }

    /// `data: {"error":{"message":...,"type":"upstream_error"}}` and a blank line, the message escaped.
    static func errorEvent(_ message: String) -> Data {
        var w = JSONWriter(capacity: message.utf8.count + 64)
        w.raw("data: {\"error\":{\"message\":")
        w.string(message)
        w.raw(",\"type\":\"upstream_error\"}}\n\n")
        return Data(w.bytes)
    }
}
