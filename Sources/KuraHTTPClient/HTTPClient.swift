import CCurl
import Foundation
import KuraCore
import Synchronization

/// A blocking HTTP client on libcurl for calls to model servers (embeddings, chat completions).
///
/// Easy handles are pooled and reused, so each keeps its connection alive across requests; a caller
/// running N requests at once holds N handles. Every call has a connect timeout and a total timeout.
public final class HTTPClient: Sendable {
    /// One request.
    public struct Request: Sendable {
        /// The HTTP method.
        public var method = "POST"
        /// The full URL, `http` or `https`.
        public var url: String
        /// Header fields to send, by name.
        public var headers: [String: String] = [:]
        /// The request body.
        public var body = Data()
        /// Seconds for the whole exchange (0 = none, for streams).
        public var timeout: Double = 30
        /// Seconds to connect.
        public var connectTimeout: Double = 5

        /// A request; the connect timeout stays at its default.
        public init(method: String = "POST", url: String, headers: [String: String] = [:], body: Data = Data(), timeout: Double = 30) {
            self.method = method
            self.url = url
            self.headers = headers
            self.body = body
            self.timeout = timeout
        }
    }

    /// A whole response.
    public struct Response: Sendable {
        /// The HTTP status code.
        public var status: Int
        /// Header fields, by lower-cased name.
        public var headers: [String: String]
        /// The body as received.
        public var body: Data
    }

    /// A transport failure: nothing usable came back (refused, timed out, reset, bad URL).
    public struct TransportError: Error, CustomStringConvertible, Sendable {
        /// The URL asked for.
        public let url: String
        /// libcurl's description of the failure.
        public let message: String
        /// libcurl's error code.
        public let code: Int
        /// The URL and the message.
        public var description: String { "\(url): \(message)" }
    }

    private let pool = Mutex<[Handle]>([])

    /// A client with an empty handle pool; libcurl is initialised once per process.
    public init() { _ = Self.global }

    private static let global: Bool = curl_global_init(Int(CURL_GLOBAL_DEFAULT)) == CURLE_OK

    /// Sends a request and collects the whole response.
    public func send(_ request: Request) throws -> Response {
        var body = Data()
        let (status, headers) = try perform(request) { chunk in
            body.append(chunk)
            return true
        }
        return Response(status: status, headers: headers, body: body)
    }

    /// Sends a request and hands each piece of the response body to `onData` as it arrives. `onStart`
    /// gets the status and headers once, before any of the body (or at the end when there is none), so
    /// a caller can tell a failure from a stream before passing anything on. Either returning false
    /// aborts the transfer. Returns the status and headers.
    @discardableResult
    public func stream(
        _ request: Request, onStart: @escaping (Int, [String: String]) -> Bool = { _, _ in true }, onData: @escaping (Data) -> Bool
    ) throws -> (status: Int, headers: [String: String]) {
        try perform(request, onStart: onStart, onData)
    }

    private func perform(
        _ request: Request, onStart: @escaping (Int, [String: String]) -> Bool = { _, _ in true }, _ onData: @escaping (Data) -> Bool
    ) throws -> (Int, [String: String]) {
        let handle = pool.withLock { $0.popLast() } ?? Handle()
        defer { pool.withLock { $0.append(handle) } }
        return try handle.perform(request, onStart: onStart, onData)
    }
}

/// One curl easy handle and the state of the transfer in progress on it.
private final class Handle: @unchecked Sendable {
    let curl: UnsafeMutableRawPointer?
    var onData: (Data) -> Bool = { _ in true }
    var onStart: (Int, [String: String]) -> Bool = { _, _ in true }
    var started = false
    var headers: [String: String] = [:]
    var aborted = false

    init() { curl = curl_easy_init() }
    deinit { curl_easy_cleanup(curl) }

    func perform(
        _ r: HTTPClient.Request, onStart: @escaping (Int, [String: String]) -> Bool, _ onData: @escaping (Data) -> Bool
    ) throws -> (
        Int, [String: String]
    ) {
        guard let curl else { throw HTTPClient.TransportError(url: r.url, message: "curl could not start", code: -1) }
        curl_easy_reset(curl)
        self.onData = onData
        self.onStart = onStart
        started = false
        headers = [:]
        aborted = false
        var list: UnsafeMutablePointer<curl_slist>? = nil
        for (k, v) in r.headers { list = curl_slist_append(list, "\(k): \(v)") }
        list = curl_slist_append(list, "Expect:")  // no 100-continue round trip on large bodies
        defer { curl_slist_free_all(list) }
        var errorBuffer = [CChar](repeating: 0, count: Int(CURL_ERROR_SIZE) + 1)
        let code: CURLcode = r.body.withUnsafeBytes { body in
            errorBuffer.withUnsafeMutableBufferPointer { err in
                _ = kura_curl_set_string(curl, CURLOPT_URL, r.url)
                _ = kura_curl_set_string(curl, CURLOPT_CUSTOMREQUEST, r.method)
                _ = kura_curl_set_long(curl, CURLOPT_NOSIGNAL, 1)
                _ = kura_curl_set_long(curl, CURLOPT_TCP_KEEPALIVE, 1)
                _ = kura_curl_set_long(curl, CURLOPT_CONNECTTIMEOUT_MS, Int(r.connectTimeout * 1000))
                _ = kura_curl_set_long(curl, CURLOPT_TIMEOUT_MS, Int(r.timeout * 1000))
                _ = kura_curl_set_headers(curl, list)
                _ = kura_curl_set_pointer(curl, CURLOPT_ERRORBUFFER, err.baseAddress)
                if r.method != "GET" || !r.body.isEmpty {
                    _ = kura_curl_set_long(curl, CURLOPT_POSTFIELDSIZE_LARGE, body.count)
                    _ = kura_curl_set_pointer(
                        curl, CURLOPT_POSTFIELDS, UnsafeMutableRawPointer(mutating: body.baseAddress ?? UnsafeRawPointer(err.baseAddress!)))
                }
                let me = Unmanaged.passUnretained(self).toOpaque()
                _ = kura_curl_set_pointer(curl, CURLOPT_WRITEDATA, me)
                _ = kura_curl_set_data_fn(curl, CURLOPT_WRITEFUNCTION, writeCallback)
                _ = kura_curl_set_pointer(curl, CURLOPT_HEADERDATA, me)
                _ = kura_curl_set_data_fn(curl, CURLOPT_HEADERFUNCTION, headerCallback)
                return curl_easy_perform(curl)
            }
        }
        if code != CURLE_OK && !(code == CURLE_WRITE_ERROR && aborted) {
            let detail = String(decoding: errorBuffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
            let message = detail.isEmpty ? String(cString: curl_easy_strerror(code)) : detail
            throw HTTPClient.TransportError(url: r.url, message: message, code: Int(code.rawValue))
        }
        let status = self.status
        if !started {
            started = true
            _ = onStart(status, headers)
        }
        return (status, headers)
    }

    /// The status of the response being received.
    var status: Int {
        var status = 0
        _ = kura_curl_get_long(curl, CURLINFO_RESPONSE_CODE, &status)
        return status
    }

    /// Called by the write callback with each piece of the body.
    func receive(_ data: Data) -> Bool {
        if !started {
            started = true
            guard onStart(status, headers) else { return false }
        }
        return onData(data)
    }
}

private func writeCallback(_ data: UnsafeMutablePointer<CChar>?, _ size: Int, _ count: Int, _ context: UnsafeMutableRawPointer?) -> Int {
    let handle = Unmanaged<Handle>.fromOpaque(context!).takeUnretainedValue()
    let n = size * count
    guard let data, n > 0 else { return n }
    if handle.receive(Data(bytes: data, count: n)) { return n }
    handle.aborted = true
    return 0
}

private func headerCallback(_ data: UnsafeMutablePointer<CChar>?, _ size: Int, _ count: Int, _ context: UnsafeMutableRawPointer?) -> Int {
    let handle = Unmanaged<Handle>.fromOpaque(context!).takeUnretainedValue()
    let n = size * count
    guard let data else { return n }
    let line = String(decoding: UnsafeRawBufferPointer(start: data, count: n), as: UTF8.self)
    if line.hasPrefix("HTTP/") { handle.headers = [:] }  // a new response (after a redirect or 100)
    if let colon = line.firstIndex(of: ":") {
        let key = line[..<colon].lowercased()
        handle.headers[key] = line[line.index(after: colon)...].trimmingCharacters(in: .whitespacesAndNewlines)
    }
    return n
}
