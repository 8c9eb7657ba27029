import Foundation

/// Posts webhook bodies from the fakes to an `http://` URL on this machine over a plain socket,
/// independent of the client code under test.
public enum WebhookPoster {
    public struct Failure: Error, CustomStringConvertible {
        public var description: String
    }

    /// Sends one POST and returns the HTTP status of the answer.
    public static func post(url: String, headers: [(name: String, value: String)], body: [UInt8], timeout: TimeInterval = 10) async throws -> Int {
        try await withCheckedThrowingContinuation { continuation in
            // A thread of its own: on Linux, Swift's cooperative pool runs on GCD's global queue,
            // so blocking a GCD thread here would starve the fakes' own request handlers.
            Thread {
                do { continuation.resume(returning: try postBlocking(url: url, headers: headers, body: body, timeout: timeout)) } catch {
                    continuation.resume(throwing: error)
                }
            }.start()
        }
    }

    static func postBlocking(url: String, headers: [(name: String, value: String)], body: [UInt8], timeout: TimeInterval) throws -> Int {
        guard let components = URLComponents(string: url), components.scheme == "http", let host = components.host else {
            throw Failure(description: "only http:// webhook URLs are supported: \(url)")
        }
        let port = components.port ?? 80
        var target = components.percentEncodedPath.isEmpty ? "/" : components.percentEncodedPath
        if let query = components.percentEncodedQuery { target += "?" + query }

        var hints = addrinfo()
        hints.ai_family = AF_INET
        hints.ai_socktype = Int32(SOCK_STREAM.rawValue)
        var info: UnsafeMutablePointer<addrinfo>?
        guard getaddrinfo(host, String(port), &hints, &info) == 0, let address = info else {
            throw Failure(description: "cannot resolve \(host)")
        }
        defer { freeaddrinfo(info) }
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { throw Failure(description: "socket() failed") }
        defer { close(fd) }
        var tv = timeval(tv_sec: Int(timeout), tv_usec: 0)
        setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, socklen_t(MemoryLayout<timeval>.size))
        setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, socklen_t(MemoryLayout<timeval>.size))
        guard connect(fd, address.pointee.ai_addr, address.pointee.ai_addrlen) == 0 else {
            throw Failure(description: "cannot connect to \(host):\(port)")
        }
        var head = "POST \(target) HTTP/1.1\r\nHost: \(host):\(port)\r\nContent-Length: \(body.count)\r\nConnection: close\r\n"
        for header in headers { head += "\(header.name): \(header.value)\r\n" }
        head += "\r\n"
        let bytes = Array(head.utf8) + body
        var sent = 0
        while sent < bytes.count {
            let n = bytes[sent...].withUnsafeBytes { send(fd, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
            guard n > 0 else { throw Failure(description: "send failed") }
            sent += n
        }
        var response: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 4096)
        while true {
            let n = buffer.withUnsafeMutableBytes { recv(fd, $0.baseAddress, $0.count, 0) }
            if n <= 0 { break }
            response += buffer[0..<n]
            if let text = String(bytes: response, encoding: .utf8), let lineEnd = text.range(of: "\r\n") {
                let statusLine = text[..<lineEnd.lowerBound].split(separator: " ")
                if statusLine.count >= 2, let status = Int(statusLine[1]) { return status }
            }
        }
        throw Failure(description: "no HTTP status line from \(url)")
    }
}
