import Foundation
@testable import RochHTTP

/// A request body in memory; counts how much the adapter read.
struct MemorySource: ByteSource {
    var bytes: [UInt8]
    var offset = 0
    var maxChunk = 7  // small chunks exercise the read loop
    init(_ bytes: [UInt8]) { self.bytes = bytes }
    init(_ text: String) { self.bytes = Array(text.utf8) }
    mutating func read(upTo count: Int) throws -> [UInt8] {
        let n = min(count, maxChunk, bytes.count - offset)
        defer { offset += n }
        return Array(bytes[offset..<(offset + n)])
    }
}

/// Captures what a runtime writes, write by write.
final class MemorySink: ByteSink, @unchecked Sendable {
    private let lock = NSLock()
    private var _writes: [[UInt8]] = []
    var failAfter: Int?
    var writes: [[UInt8]] { lock.withLock { _writes } }
    var text: String { String(decoding: writes.flatMap { $0 }, as: UTF8.self) }
    func write(_ bytes: [UInt8]) -> Bool {
        lock.withLock {
            if let f = failAfter, _writes.count >= f { return false }
            _writes.append(bytes)
            return true
        }
    }
}

/// A CGI environment for `method` on `uri`.
func cgiEnv(_ method: String = "GET", _ uri: String = "/api/test", _ extra: [String: String] = [:]) -> [String: String] {
    var env = ["GATEWAY_INTERFACE": "CGI/1.1", "REQUEST_METHOD": method, "REQUEST_URI": uri, "SCRIPT_NAME": "/api/test",
               "SERVER_PROTOCOL": "HTTP/1.1", "REMOTE_ADDR": "127.0.0.1"]
    if let q = uri.split(separator: "?", maxSplits: 1).dropFirst().first { env["QUERY_STRING"] = String(q) }
    env.merge(extra) { $1 }
    return env
}

/// Splits a CGI response into status line value, headers and body.
func splitCGI(_ text: String) -> (status: String, headers: [String: String], body: String) {
    guard let range = text.range(of: "\r\n\r\n") else { return ("", [:], text) }
    var status = ""
    var headers: [String: String] = [:]
    for line in text[..<range.lowerBound].components(separatedBy: "\r\n") {
        guard let colon = line.firstIndex(of: ":") else { continue }
        let name = String(line[..<colon]).lowercased()
        let value = line[line.index(after: colon)...].trimmingCharacters(in: .whitespaces)
        if name == "status" { status = value } else { headers[name] = value }
    }
    return (status, headers, String(text[range.upperBound...]))
}

/// An echo function used by the runtime tests.
let echoHandler: Handler = { request in
    struct Echo: Encodable { let method, path, pathInfo, query, body, remote: String; let secure: Bool; let headers: [String: String] }
    var h: [String: String] = [:]
    for (n, v) in request.headers { h[n] = v }
    return try .json(Echo(method: request.method, path: request.path, pathInfo: request.pathInfo, query: request.queryString,
                          body: String(decoding: request.body, as: UTF8.self), remote: request.remoteAddress,
                          secure: request.isSecure, headers: h))
}
