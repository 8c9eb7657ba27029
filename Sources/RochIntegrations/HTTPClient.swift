import CCurl

/// The one outbound HTTP client: libcurl, one easy handle per call, typed network errors.
public struct HTTPClient: Sendable {
    /// Time allowed to establish the TCP (and TLS) connection.
    public var connectTimeout: Duration
    /// Time allowed for the whole exchange.
    public var totalTimeout: Duration

    public init(connectTimeout: Duration = .seconds(5), totalTimeout: Duration = .seconds(20)) {
        self.connectTimeout = connectTimeout
        self.totalTimeout = totalTimeout
    }

    /// Sends the request and blocks the calling thread until the response or an error.
    public func send(_ request: HTTPRequest) throws(HTTPClientError) -> HTTPResponse {
        try Curl.ensureGlobalInit()
        guard let handle = curl_easy_init() else {
            throw HTTPClientError(kind: .other, message: "curl_easy_init failed")
        }
        defer { curl_easy_cleanup(handle) }

        let sink = ResponseSink()
        var headerList: UnsafeMutablePointer<curl_slist>? = nil
        defer { curl_slist_free_all(headerList) }
        for header in request.headers {
            headerList = curl_slist_append(headerList, "\(header.name): \(header.value)")
        }
        // libcurl would otherwise wait up to a second for "100 Continue" on larger bodies.
        headerList = curl_slist_append(headerList, "Expect:")

        var errorBuffer = [CChar](repeating: 0, count: Int(CURL_ERROR_SIZE) + 1)
        let body = request.body
        let code: CURLcode = body.withUnsafeBufferPointer { bodyBytes in
            errorBuffer.withUnsafeMutableBufferPointer { errorBytes in
                request.url.withCString { url in
                    request.method.withCString { method in
                        let sinkPointer = Unmanaged.passUnretained(sink).toOpaque()
                        _ = roch_curl_setopt_ptr(handle, CURLOPT_URL, url)
                        _ = roch_curl_setopt_long(handle, CURLOPT_NOSIGNAL, 1)
                        _ = roch_curl_setopt_ptr(handle, CURLOPT_ERRORBUFFER, errorBytes.baseAddress)
                        _ = roch_curl_setopt_long(handle, CURLOPT_CONNECTTIMEOUT_MS, connectTimeout.milliseconds)
                        _ = roch_curl_setopt_long(handle, CURLOPT_TIMEOUT_MS, totalTimeout.milliseconds)
                        _ = roch_curl_setopt_long(handle, CURLOPT_FOLLOWLOCATION, 0)
                        _ = roch_curl_setopt_ptr(handle, CURLOPT_HTTPHEADER, headerList)
                        _ = roch_curl_setopt_write(handle, CURLOPT_WRITEFUNCTION, curlWriteBody)
                        _ = roch_curl_setopt_ptr(handle, CURLOPT_WRITEDATA, sinkPointer)
                        _ = roch_curl_setopt_write(handle, CURLOPT_HEADERFUNCTION, curlWriteHeader)
                        _ = roch_curl_setopt_ptr(handle, CURLOPT_HEADERDATA, sinkPointer)
                        let upper = request.method.uppercased()
                        if upper == "GET" && body.isEmpty {
                            _ = roch_curl_setopt_long(handle, CURLOPT_HTTPGET, 1)
                        } else if upper == "HEAD" {
                            _ = roch_curl_setopt_long(handle, CURLOPT_NOBODY, 1)
                        } else {
                            // POSTFIELDS with an explicit size sends the bytes as they are (no strlen).
                            _ = roch_curl_setopt_off(handle, CURLOPT_POSTFIELDSIZE_LARGE, curl_off_t(body.count))
                            _ = roch_curl_setopt_ptr(handle, CURLOPT_POSTFIELDS, UnsafeRawPointer(bodyBytes.baseAddress ?? emptyBody.utf8Start))
                            if upper != "POST" { _ = roch_curl_setopt_ptr(handle, CURLOPT_CUSTOMREQUEST, method) }
                        }
                        return curl_easy_perform(handle)
                    }
                }
            }
        }
        guard code == CURLE_OK else {
            let detail = String(cString: errorBuffer)
            let message = detail.isEmpty ? String(cString: curl_easy_strerror(code)) : detail
            throw HTTPClientError(kind: Curl.kind(of: code), message: message, curlCode: Int(code.rawValue))
        }
        var status = 0
        _ = roch_curl_getinfo_long(handle, CURLINFO_RESPONSE_CODE, &status)
        return HTTPResponse(status: status, headers: sink.headers, body: sink.body)
    }

    /// Sends the request on a thread outside Swift's cooperative pool and resumes when done.
    public func send(_ request: HTTPRequest) async throws(HTTPClientError) -> HTTPResponse {
        let result: Result<HTTPResponse, HTTPClientError> = await withCheckedContinuation { continuation in
            BlockingPool.shared.run {
                do throws(HTTPClientError) {
                    continuation.resume(returning: .success(try self.send(request)))
                } catch {
                    continuation.resume(returning: .failure(error))
                }
            }
        }
        return try result.get()
    }
}

/// A valid pointer for empty bodies (libcurl must not see NULL POSTFIELDS with a POST): a string
/// constant's bytes live as long as the program and are never written, so sharing them is safe.
private let emptyBody: StaticString = ""

/// Collects the body and the headers of the final response while libcurl runs.
final class ResponseSink {
    var body: [UInt8] = []
    var headers: [(name: String, value: String)] = []
}

private func curlWriteBody(_ data: UnsafeMutablePointer<CChar>?, _ size: Int, _ count: Int, _ context: UnsafeMutableRawPointer?) -> Int {
    guard let data, let context else { return 0 }
    let sink = Unmanaged<ResponseSink>.fromOpaque(context).takeUnretainedValue()
    let length = size * count
    data.withMemoryRebound(to: UInt8.self, capacity: length) { sink.body.append(contentsOf: UnsafeBufferPointer(start: $0, count: length)) }
    return length
}

private func curlWriteHeader(_ data: UnsafeMutablePointer<CChar>?, _ size: Int, _ count: Int, _ context: UnsafeMutableRawPointer?) -> Int {
    guard let data, let context else { return 0 }
    let sink = Unmanaged<ResponseSink>.fromOpaque(context).takeUnretainedValue()
    let length = size * count
    let line = data.withMemoryRebound(to: UInt8.self, capacity: length) {
        String(decoding: UnsafeBufferPointer(start: $0, count: length), as: UTF8.self)
    }
    if line.hasPrefix("HTTP/") {
        sink.headers = []  // a new response (after 100 Continue): keep only the final one's headers
    } else if let colon = line.firstIndex(of: ":") {
        let name = String(line[..<colon])
        let value = line[line.index(after: colon)...].trimmed(of: " \t\r\n")
        sink.headers.append((name, value))
    }
    return length
}

/// Process-wide libcurl state.
enum Curl {
    private static let globalInitResult: CURLcode = curl_global_init(Int(CURL_GLOBAL_DEFAULT))

    /// curl_global_init is not thread-safe; a static let runs it exactly once.
    static func ensureGlobalInit() throws(HTTPClientError) {
        let code = globalInitResult
        guard code == CURLE_OK else {
            throw HTTPClientError(kind: .other, message: "curl_global_init: \(String(cString: curl_easy_strerror(code)))", curlCode: Int(code.rawValue))
        }
    }

    static func kind(of code: CURLcode) -> HTTPClientError.Kind {
        switch code {
        case CURLE_OPERATION_TIMEDOUT:
            return .timeout
        case CURLE_COULDNT_CONNECT, CURLE_COULDNT_RESOLVE_HOST, CURLE_COULDNT_RESOLVE_PROXY,
             CURLE_SEND_ERROR, CURLE_RECV_ERROR, CURLE_GOT_NOTHING:
            return .connectionFailed
        case CURLE_SSL_CONNECT_ERROR, CURLE_PEER_FAILED_VERIFICATION, CURLE_SSL_CERTPROBLEM,
             CURLE_SSL_CIPHER, CURLE_SSL_CACERT_BADFILE, CURLE_SSL_ENGINE_NOTFOUND,
             CURLE_SSL_ENGINE_SETFAILED, CURLE_USE_SSL_FAILED, CURLE_SSL_SHUTDOWN_FAILED,
             CURLE_SSL_CRL_BADFILE, CURLE_SSL_ISSUER_ERROR, CURLE_SSL_PINNEDPUBKEYNOTMATCH,
             CURLE_SSL_INVALIDCERTSTATUS, CURLE_SSL_CLIENTCERT:
            return .tls
        default:
            return .other
        }
    }
}

extension Duration {
    /// Whole milliseconds, at least 1 (libcurl reads 0 as "no timeout").
    var milliseconds: Int {
        let (seconds, attoseconds) = components
        return max(1, Int(seconds) * 1000 + Int(attoseconds / 1_000_000_000_000_000))
    }
}

extension StringProtocol {
    func trimmed(of set: String) -> String {
        var scalars = Substring(self)
        while let first = scalars.first, set.contains(first) { scalars = scalars.dropFirst() }
        while let last = scalars.last, set.contains(last) { scalars = scalars.dropLast() }
        return String(scalars)
    }
}
