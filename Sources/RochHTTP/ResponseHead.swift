/// The CGI-style response head (`Status:` line + headers) shared by the CGI and FastCGI runtimes.
/// Names and values are checked so a handler can never split the response with CR/LF.
public enum ResponseHead {
    public struct InvalidHeader: Error, CustomStringConvertible {
        public let name: String
        public var description: String { "invalid response header \(name.debugDescription)" }
    }

    /// `Status: 200 OK\r\nContent-Type: ...\r\n\r\n`. Throws `InvalidHeader` for a bad name or value.
    public static func cgi(_ response: Response) throws -> [UInt8] {
        guard (100...999).contains(response.status) else { throw InvalidHeader(name: "Status \(response.status)") }
        var out = "Status: \(response.status) \(HTTPStatus.reason(response.status))\r\n"
        for (name, value) in response.headers {
            try validate(name: name, value: value)
            if name == "status" { continue }
            out += "\(canonical(name)): \(value)\r\n"
        }
        if response.headers["content-type"] == nil, case .bytes(let b) = response.body, !b.isEmpty {
            out += "Content-Type: application/octet-stream\r\n"
        }
        return Array((out + "\r\n").utf8)
    }

    /// A token per RFC 9110; values may hold visible ASCII, spaces, tabs and UTF-8, never CR, LF or NUL.
    public static func validate(name: String, value: String) throws {
        let tokenExtras = Set("!#$%&'*+-.^_`|~".utf8)
        guard !name.isEmpty, name.utf8.allSatisfy({ b in
            (b >= 0x30 && b <= 0x39) || (b >= 0x41 && b <= 0x5a) || (b >= 0x61 && b <= 0x7a) || tokenExtras.contains(b)
        }) else { throw InvalidHeader(name: name) }
        guard value.utf8.allSatisfy({ $0 != 0x0d && $0 != 0x0a && $0 != 0 }) else { throw InvalidHeader(name: name) }
    }

    public static func validate(_ headers: Headers) throws {
        for (n, v) in headers { try validate(name: n, value: v) }
    }

    /// `content-type` -> `Content-Type`.
    public static func canonical(_ name: String) -> String {
        name.split(separator: "-", omittingEmptySubsequences: false).map { $0.prefix(1).uppercased() + $0.dropFirst() }.joined(separator: "-")
    }

    /// The 500 a runtime sends when a handler produced an invalid head.
    public static func internalError() -> Response {
        ErrorResponder.response(for: HTTPError(500, code: "internal_error", "Something went wrong on our side. Please try again in a moment."), request: nil)
    }
}
