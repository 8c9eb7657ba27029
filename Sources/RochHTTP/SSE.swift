/// One Server-Sent Event as the `text/event-stream` format defines it.
public struct ServerSentEvent: Sendable, Equatable {
    public var id: String?
    public var event: String?
    public var data: String
    /// Reconnection delay the browser should use, in milliseconds.
    public var retry: Int?

    public init(id: String? = nil, event: String? = nil, data: String, retry: Int? = nil) {
        self.id = id; self.event = event; self.data = data; self.retry = retry
    }

    /// `id:`, `event:`, `retry:`, one `data:` line per line of data, then a blank line.
    /// CR and LF in `id`/`event` would start a new field, so they are removed.
    public func encoded() -> String {
        var out = ""
        if let id { out += "id: \(Self.singleLine(id))\n" }
        if let event { out += "event: \(Self.singleLine(event))\n" }
        if let retry { out += "retry: \(retry)\n" }
        let normalized = data.replacingLineEndings()
        for line in normalized.split(separator: "\n", omittingEmptySubsequences: false) { out += "data: \(line)\n" }
        return out + "\n"
    }

    static func singleLine(_ s: String) -> String { String(s.unicodeScalars.filter { $0 != "\r" && $0 != "\n" && $0 != "\0" }.map(Character.init)) }
}

extension String {
    fileprivate func replacingLineEndings() -> String {
        var out = ""
        var previousCR = false
        for scalar in unicodeScalars {
            if scalar == "\r" { out += "\n"; previousCR = true; continue }
            if scalar == "\n" && previousCR { previousCR = false; continue }
            previousCR = false
            out.unicodeScalars.append(scalar)
        }
        return out
    }
}

/// Writes Server-Sent Events to any runtime's stream; each call reaches the client at once.
public struct SSEWriter: Sendable {
    public let stream: StreamWriter
    public init(_ stream: StreamWriter) { self.stream = stream }

    public var isClosed: Bool { stream.isClosed }

    public func send(_ event: ServerSentEvent) async throws { try await stream.write(Array(event.encoded().utf8)) }

    /// `retry: ms` on its own, sent first so browsers reconnect at our pace.
    public func retry(milliseconds: Int) async throws { try await stream.write(Array("retry: \(milliseconds)\n\n".utf8)) }

    /// A `: comment` line; proxies and browsers ignore it, but it keeps idle connections open.
    public func heartbeat(_ comment: String = "heartbeat") async throws {
        try await stream.write(Array(": \(ServerSentEvent.singleLine(comment))\n\n".utf8))
    }

    /// The headers an event stream needs (no caching, no proxy buffering).
    public static var headers: Headers {
        Headers([("Content-Type", "text/event-stream; charset=utf-8"), ("Cache-Control", "no-cache"), ("X-Accel-Buffering", "no")])
    }
}

extension Response {
    /// A streamed `text/event-stream` response.
    public static func eventStream(status: Int = 200, _ body: @escaping @Sendable (SSEWriter) async throws -> Void) -> Response {
        Response(status: status, headers: SSEWriter.headers, body: .stream { try await body(SSEWriter($0)) })
    }
}
