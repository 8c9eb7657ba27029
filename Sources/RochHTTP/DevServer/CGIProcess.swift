import Foundation

/// Runs a function executable as a CGI program for the dev server, the way fcgiwrap would, and streams
/// its stdout back: the `Status:` header becomes the status, every chunk is forwarded as it arrives.
public struct CGIProcess: Sendable {
    public let directory: String
    public let serverName: String
    public let serverPort: Int

    public init(directory: String, serverName: String = "127.0.0.1", serverPort: Int = 8080) {
        self.directory = directory
        self.serverName = serverName
        self.serverPort = serverPort
    }

    /// Set to `1` for the programs this server runs: it forwards their output as it arrives and runs each
    /// request in its own process with no small pool, so a program may hold a long-lived response open
    /// (portal-events streams instead of answering a bounded replay as it must behind fcgiwrap).
    public static let streamsVariable = "ROCH_CGI_STREAMS"

    /// The RFC 3875 meta-variables for `request` (plus the server's own environment, minus any HTTP_*).
    public func environment(for request: Request, scriptName: String, scriptFilename: String) -> [String: String] {
        var env = ProcessInfo.processInfo.environment.filter { !$0.key.hasPrefix("HTTP_") }
        env["GATEWAY_INTERFACE"] = "CGI/1.1"
        env["SERVER_PROTOCOL"] = "HTTP/1.1"
        env["SERVER_SOFTWARE"] = "roch-serve"
        env[Self.streamsVariable] = "1"
        env["SERVER_NAME"] = serverName
        env["SERVER_PORT"] = String(serverPort)
        env["REQUEST_METHOD"] = request.method
        env["REQUEST_URI"] = request.path + (request.queryString.isEmpty ? "" : "?" + request.queryString)
        env["SCRIPT_NAME"] = scriptName
        env["SCRIPT_FILENAME"] = scriptFilename
        env["PATH_INFO"] = request.pathInfo
        env["QUERY_STRING"] = request.queryString
        env["REMOTE_ADDR"] = request.remoteAddress
        env["CONTENT_LENGTH"] = request.body.isEmpty && request.headers["content-length"] == nil ? "" : String(request.body.count)
        env["CONTENT_TYPE"] = request.headers["content-type"] ?? ""
        if request.isSecure { env["HTTPS"] = "on" }
        for (name, value) in request.headers where name != "content-type" && name != "content-length" && name != "proxy" {
            let key = "HTTP_" + name.uppercased().map { $0 == "-" ? "_" : $0 }.map(String.init).joined()
            env[key] = env[key].map { $0 + ", " + value } ?? value
        }
        return env
    }

    public func run(function name: String, scriptName: String, request: Request) async -> Response {
        let path = directory + "/" + name
        guard access(path, X_OK) == 0 else {
            return ErrorResponder.response(for: HTTPError.notFound("No function executable \(name) in \(directory). Run swift build."), request: request)
        }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: path)
        process.arguments = []
        process.environment = environment(for: request, scriptName: scriptName, scriptFilename: path)
        let stdin = Pipe(), stdout = Pipe()
        process.standardInput = stdin
        process.standardOutput = stdout
        process.standardError = FileHandle.standardError
        do { try process.run() } catch {
            log("cannot start \(path): \(error)")
            return ErrorResponder.response(for: HTTPError(502, code: "bad_gateway", "The function could not be started."), request: request)
        }
        let body = request.body
        Thread.detachNewThread {
            if !body.isEmpty { try? stdin.fileHandleForWriting.write(contentsOf: Data(body)) }
            try? stdin.fileHandleForWriting.close()
        }
        let chunks = ChunkReader(stdout.fileHandleForReading)
        var buffered: [UInt8] = []
        while true {
            guard let chunk = await chunks.next() else {
                log("\(name) wrote no complete CGI header (\(buffered.count) bytes)")
                return ErrorResponder.response(for: HTTPError(502, code: "bad_gateway", "The function gave no valid response."), request: request)
            }
            buffered += chunk
            if let (head, rest) = Self.splitHead(buffered) {
                guard var response = Self.parseHead(head) else {
                    process.terminate()
                    return ErrorResponder.response(for: HTTPError(502, code: "bad_gateway", "The function gave no valid response."), request: request)
                }
                // Event streams are forwarded chunk by chunk; anything else is collected so it gets a Content-Length.
                if !(response.headers["content-type"] ?? "").hasPrefix("text/event-stream") {
                    var body = rest
                    while let chunk = await chunks.next() { body += chunk }
                    response.body = .bytes(body)
                    return response
                }
                response.body = .stream { writer in
                    if !rest.isEmpty { try await writer.write(rest) }
                    while let chunk = await chunks.next() {
                        do { try await writer.write(chunk) } catch {
                            if process.isRunning { process.terminate() }
                            throw error
                        }
                    }
                }
                return response
            }
        }
    }

    /// Splits at the blank line ending the CGI header (CRLF or bare LF).
    static func splitHead(_ bytes: [UInt8]) -> ([UInt8], [UInt8])? {
        var i = 0
        while i < bytes.count {
            if bytes[i] == 0x0a {
                if i + 1 < bytes.count, bytes[i + 1] == 0x0a { return (Array(bytes[..<i]), Array(bytes[(i + 2)...])) }
                if i + 2 < bytes.count, bytes[i + 1] == 0x0d, bytes[i + 2] == 0x0a {
                    let end = i > 0 && bytes[i - 1] == 0x0d ? i - 1 : i
                    return (Array(bytes[..<end]), Array(bytes[(i + 3)...]))
                }
            }
            i += 1
        }
        return nil
    }

    /// `Status: 404 Not Found` and headers; a `Location` without `Status` is a 302 (RFC 3875 6.2.3).
    static func parseHead(_ head: [UInt8]) -> Response? {
        guard let text = String(validating: head, as: UTF8.self) else { return nil }
        var response = Response(status: 200)
        var sawStatus = false
        // "\r\n" is one Character in Swift, so split on either form of line end.
        for line in text.split(whereSeparator: { $0 == "\n" || $0 == "\r\n" }) {
            guard let colon = line.firstIndex(of: ":") else { return nil }
            let name = line[..<colon].trimmingCharacters(in: .whitespaces)
            let value = line[line.index(after: colon)...].trimmingCharacters(in: .whitespaces)
            guard (try? ResponseHead.validate(name: name, value: value)) != nil else { return nil }
            if name.lowercased() == "status" {
                guard let code = Int(value.prefix(3)), (100...999).contains(code) else { return nil }
                response.status = code
                sawStatus = true
            } else {
                response.headers.add(name, value)
            }
        }
        if !sawStatus, response.headers["location"] != nil { response.status = 302 }
        return response
    }
}

/// Reads a pipe on its own thread and hands chunks to async code.
final class ChunkReader: @unchecked Sendable {
    private var iterator: AsyncStream<[UInt8]>.Iterator
    private let lock = NSLock()

    init(_ handle: FileHandle) {
        let (stream, continuation) = AsyncStream<[UInt8]>.makeStream(bufferingPolicy: .unbounded)
        iterator = stream.makeAsyncIterator()
        Thread.detachNewThread {
            let fd = handle.fileDescriptor
            var buffer = [UInt8](repeating: 0, count: 65536)
            while true {
                let n = buffer.withUnsafeMutableBytes { read(fd, $0.baseAddress, 65536) }
                if n < 0 && errno == EINTR { continue }
                if n <= 0 { break }
                continuation.yield(Array(buffer[0..<n]))
            }
            continuation.finish()
            try? handle.close()
        }
    }

    /// Next chunk, or nil at end of output. Called by one task at a time.
    func next() async -> [UInt8]? {
        var it = lock.withLock { iterator }
        let chunk = await it.next()
        lock.withLock { iterator = it }
        return chunk
    }
}
