#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Where the CGI adapter reads the body from (stdin in production, bytes in tests).
public protocol ByteSource {
    /// Up to `count` bytes; an empty result means end of input.
    mutating func read(upTo count: Int) throws -> [UInt8]
}

/// Where a CGI response goes (stdout in production, memory in tests). Each write is flushed.
public protocol ByteSink: AnyObject, Sendable {
    /// Returns false once the reader has gone (EPIPE).
    func write(_ bytes: [UInt8]) -> Bool
}

/// RFC 3875 CGI: request from the environment and stdin, response to stdout.
public enum CGIAdapter {
    /// Reads exactly CONTENT_LENGTH bytes. A short body is 400; a declared length above `limit`
    /// is 413 before anything is read.
    public static func parseRequest<S: ByteSource>(environment env: [String: String], body source: inout S,
                                                   limit: Int = BodyLimit.defaultBytes) throws -> Request {
        let length = try CGIEnvironment.contentLength(env, limit: limit)
        var body: [UInt8] = []
        body.reserveCapacity(length)
        while body.count < length {
            let chunk = try source.read(upTo: min(65536, length - body.count))
            if chunk.isEmpty {
                throw HTTPError.badRequest("The request body is shorter than its Content-Length.", code: "incomplete_body")
            }
            body += chunk
        }
        return try CGIEnvironment.request(env, body: body)
    }

    /// Runs one request through `handler` and writes the CGI response. Never throws: every failure is a response.
    public static func handle<S: ByteSource>(environment env: [String: String], body source: inout S, output: ByteSink,
                                             limit: Int = BodyLimit.defaultBytes, handler: Handler) async {
        let request: Request
        do {
            request = try parseRequest(environment: env, body: &source, limit: limit)
        } catch {
            let fallback = Request(method: env["REQUEST_METHOD"] ?? "GET", path: env["REQUEST_URI"] ?? "/",
                                   headers: Headers([("accept", env["HTTP_ACCEPT"] ?? "")]))
            await write(ErrorResponder.response(for: error, request: fallback), to: output, request: fallback)
            return
        }
        let response = await ErrorResponder.respond(handler, to: request)
        await write(response, to: output, request: request)
    }

    /// Writes head and body; an invalid head becomes a logged 500. Streams are written chunk by chunk.
    public static func write(_ response: Response, to output: ByteSink, request: Request) async {
        var response = response
        let head: [UInt8]
        do { head = try ResponseHead.cgi(response) } catch {
            log("\(request.method) \(request.path): \(error); answering 500")
            response = ResponseHead.internalError()
            head = (try? ResponseHead.cgi(response)) ?? Array("Status: 500 Internal Server Error\r\n\r\n".utf8)
        }
        switch response.body {
        case .bytes(let bytes):
            _ = output.write(request.method == "HEAD" ? head : head + bytes)
        case .stream(let body):
            guard output.write(head) else { return }
            let writer = SinkStreamWriter(output)
            do { try await body(writer) } catch {
                if !writer.isClosed { log("\(request.method) \(request.path): stream ended with \(String(reflecting: error))") }
            }
        }
    }

    /// The process environment as raw bytes, so invalid UTF-8 can be refused rather than mangled.
    public static func processEnvironment() -> [([UInt8], [UInt8])] {
        var pairs: [([UInt8], [UInt8])] = []
        var p = environ
        while let entry = p.pointee {
            let bytes = Array(UnsafeBufferPointer(start: UnsafeRawPointer(entry).assumingMemoryBound(to: UInt8.self), count: strlen(entry)))
            if let eq = bytes.firstIndex(of: UInt8(ascii: "=")) {
                pairs.append((Array(bytes[..<eq]), Array(bytes[(eq + 1)...])))
            }
            p += 1
        }
        return pairs
    }

    /// The whole CGI runtime for one process: environment, stdin, stdout. Returns the exit status.
    public static func runProcess(handler: Handler, limit: Int = BodyLimit.defaultBytes) async -> Int32 {
        signal(SIGPIPE, SIG_IGN)
        var stdin = FileDescriptorSource(fd: 0)
        let stdout = FileDescriptorSink(fd: 1)
        let env: [String: String]
        do { env = try CGIEnvironment.decode(processEnvironment()) } catch {
            await write(ErrorResponder.response(for: error, request: nil), to: stdout, request: Request(method: "GET", path: "/"))
            return 0
        }
        await handle(environment: env, body: &stdin, output: stdout, limit: limit, handler: handler)
        return 0
    }
}

/// A stream writer over a byte sink; closed once a write fails.
final class SinkStreamWriter: StreamWriter, @unchecked Sendable {
    private let sink: ByteSink
    private var closed = false
    init(_ sink: ByteSink) { self.sink = sink }
    var isClosed: Bool { closed }
    func write(_ bytes: [UInt8]) async throws {
        guard !closed else { throw CancellationError() }
        if !sink.write(bytes) { closed = true; throw CancellationError() }
    }
}

/// Reads from a file descriptor (stdin for CGI).
public struct FileDescriptorSource: ByteSource {
    let fd: Int32
    public init(fd: Int32) { self.fd = fd }
    public mutating func read(upTo count: Int) throws -> [UInt8] {
        var buf = [UInt8](repeating: 0, count: count)
        while true {
            let n = buf.withUnsafeMutableBytes { Glibc.read(fd, $0.baseAddress, count) }
            if n < 0 && errno == EINTR { continue }
            if n < 0 { throw HTTPError.badRequest("The request body could not be read.", code: "incomplete_body") }
            return Array(buf[0..<n])
        }
    }
}

/// Writes straight to a file descriptor with no user-space buffer, so every write is a flush.
public final class FileDescriptorSink: ByteSink, @unchecked Sendable {
    let fd: Int32
    public init(fd: Int32) { self.fd = fd }
    public func write(_ bytes: [UInt8]) -> Bool {
        var offset = 0
        while offset < bytes.count {
            let n = bytes.withUnsafeBytes { Glibc.write(fd, $0.baseAddress! + offset, bytes.count - offset) }
            if n < 0 && errno == EINTR { continue }
            if n <= 0 { return false }
            offset += n
        }
        return true
    }
}
