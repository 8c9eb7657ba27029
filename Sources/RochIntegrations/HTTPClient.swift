import CCurl
import Crypto
import Foundation

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
        try perform(request, downloadTo: nil)
    }

    /// Like `send`, but a 2xx response's body is streamed into the file at `path` (created or
    /// truncated) instead of memory; any other response's body (an error document) stays in `body`.
    public func download(_ request: HTTPRequest, to path: String) throws(HTTPClientError) -> HTTPResponse {
        try perform(request, downloadTo: path)
    }

    private func perform(_ request: HTTPRequest, downloadTo path: String?) throws(HTTPClientError) -> HTTPResponse {
        try Curl.ensureGlobalInit()
        guard let handle = curl_easy_init() else {
            throw HTTPClientError(kind: .other, message: "curl_easy_init failed")
        }
        defer { curl_easy_cleanup(handle) }

        let sink = ResponseSink()
        if let path {
            guard let file = fopen(path, "wb") else {
                throw HTTPClientError(kind: .other, message: "cannot write \(path): \(String(cString: strerror(errno)))")
            }
            sink.file = file
        }
        defer { if let file = sink.file { fclose(file) } }
        var upload: UploadSource? = nil
        if let bodyFile = request.bodyFile {
            guard let file = fopen(bodyFile.path, "rb") else {
                throw HTTPClientError(kind: .bodyFile, message: "cannot read \(bodyFile.path): \(String(cString: strerror(errno)))")
            }
            upload = UploadSource(file: file, expected: bodyFile)
        }
        defer { if let upload { fclose(upload.file) } }

        var headerList: UnsafeMutablePointer<curl_slist>? = nil
        defer { curl_slist_free_all(headerList) }
        for header in request.headers {
            headerList = curl_slist_append(headerList, "\(header.name): \(header.value)")
        }
        // libcurl would otherwise wait up to a second for "100 Continue" on larger bodies. A signed
        // request cannot blank the header: libcurl 7.88 signs the empty "Expect:" it then never sends
        // (the server's signature differs), so there the wait is shortened instead (below).
        if request.signing == nil { headerList = curl_slist_append(headerList, "Expect:") }

        var errorBuffer = [CChar](repeating: 0, count: Int(CURL_ERROR_SIZE) + 1)
        let body = request.body
        let signing = request.signing
        let code: CURLcode = body.withUnsafeBufferPointer { bodyBytes in
            errorBuffer.withUnsafeMutableBufferPointer { errorBytes in
                request.url.withCString { url in
                    request.method.withCString { method in
                        (signing?.curlProvider ?? "").withCString { provider in
                            (signing?.accessKeyID ?? "").withCString { user in
                                (signing?.secretAccessKey ?? "").withCString { password in
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
                        if signing != nil {
                            _ = roch_curl_setopt_ptr(handle, CURLOPT_AWS_SIGV4, provider)
                            _ = roch_curl_setopt_ptr(handle, CURLOPT_USERNAME, user)
                            _ = roch_curl_setopt_ptr(handle, CURLOPT_PASSWORD, password)
                            _ = roch_curl_setopt_long(handle, CURLOPT_EXPECT_100_TIMEOUT_MS, 50)
                        }
                        let upper = request.method.uppercased()
                        if let upload {
                            _ = roch_curl_setopt_long(handle, CURLOPT_UPLOAD, 1)
                            _ = roch_curl_setopt_off(handle, CURLOPT_INFILESIZE_LARGE, curl_off_t(upload.expected.size))
                            _ = roch_curl_setopt_write(handle, CURLOPT_READFUNCTION, curlReadUpload)
                            _ = roch_curl_setopt_ptr(handle, CURLOPT_READDATA, Unmanaged.passUnretained(upload).toOpaque())
                            if upper != "PUT" { _ = roch_curl_setopt_ptr(handle, CURLOPT_CUSTOMREQUEST, method) }
                        } else if upper == "GET" && body.isEmpty {
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
                }
            }
        }
        if let failure = upload?.failure {
            throw HTTPClientError(kind: .bodyFile, message: failure, curlCode: Int(code.rawValue))
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

    /// `download(_:to:)` on a thread outside Swift's cooperative pool.
    public func download(_ request: HTTPRequest, to path: String) async throws(HTTPClientError) -> HTTPResponse {
        let result: Result<HTTPResponse, HTTPClientError> = await withCheckedContinuation { continuation in
            BlockingPool.shared.run {
                do throws(HTTPClientError) {
                    continuation.resume(returning: .success(try self.download(request, to: path)))
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

/// Collects the body and the headers of the final response while libcurl runs; a 2xx body goes
/// to `file` when there is one.
final class ResponseSink {
    var body: [UInt8] = []
    var headers: [(name: String, value: String)] = []
    var status = 0
    var file: UnsafeMutablePointer<FILE>?
}

/// Feeds a `FileBody` to libcurl, hashing what it hands over (see `FileBody`).
final class UploadSource {
    let file: UnsafeMutablePointer<FILE>
    let expected: FileBody
    var hasher = SHA256()
    var sent: Int64 = 0
    var failure: String?

    init(file: UnsafeMutablePointer<FILE>, expected: FileBody) {
        self.file = file
        self.expected = expected
    }
}

private func curlReadUpload(_ buffer: UnsafeMutablePointer<CChar>?, _ size: Int, _ count: Int, _ context: UnsafeMutableRawPointer?) -> Int {
    guard let buffer, let context else { return Int(CURL_READFUNC_ABORT) }
    let source = Unmanaged<UploadSource>.fromOpaque(context).takeUnretainedValue()
    let wanted = min(size * count, Int(max(0, source.expected.size - source.sent)) + 1)
    let got = fread(buffer, 1, wanted, source.file)
    if got == 0 {
        if ferror(source.file) != 0 { source.failure = "reading \(source.expected.path) failed"; return Int(CURL_READFUNC_ABORT) }
        if source.sent != source.expected.size {
            source.failure = "\(source.expected.path) has \(source.sent) bytes, expected \(source.expected.size): it changed while being sent"
            return Int(CURL_READFUNC_ABORT)
        }
        return 0
    }
    source.sent += Int64(got)
    source.hasher.update(bufferPointer: UnsafeRawBufferPointer(start: buffer, count: got))
    if source.sent > source.expected.size {
        source.failure = "\(source.expected.path) is longer than the expected \(source.expected.size) bytes: it changed while being sent"
        return Int(CURL_READFUNC_ABORT)
    }
    if source.sent == source.expected.size {
        // the last bytes are only handed over when the whole file hashes as expected
        let digest = source.hasher.finalize().map { String(format: "%02x", $0) }.joined()
        guard digest == source.expected.sha256 else {
            source.failure = "\(source.expected.path) no longer has SHA-256 \(source.expected.sha256): it changed while being sent"
            return Int(CURL_READFUNC_ABORT)
        }
    }
    return got
}

private func curlWriteBody(_ data: UnsafeMutablePointer<CChar>?, _ size: Int, _ count: Int, _ context: UnsafeMutableRawPointer?) -> Int {
    guard let data, let context else { return 0 }
    let sink = Unmanaged<ResponseSink>.fromOpaque(context).takeUnretainedValue()
    let length = size * count
    if let file = sink.file, (200..<300).contains(sink.status) {
        return fwrite(data, 1, length, file)  // a short write makes libcurl stop with CURLE_WRITE_ERROR
    }
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
        sink.status = line.split(separator: " ").dropFirst().first.flatMap { Int($0) } ?? 0
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
