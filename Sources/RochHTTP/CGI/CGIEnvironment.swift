/// Turns a CGI / FastCGI parameter set (RFC 3875 meta-variables) into a `Request`.
/// Pure: both the CGI adapter and the FastCGI server use it, so behaviour is the same.
public enum CGIEnvironment {
    /// Decodes raw name/value byte pairs (process environment or FastCGI PARAMS).
    /// Invalid UTF-8 is refused (400), never replaced silently.
    public static func decode(_ pairs: [([UInt8], [UInt8])]) throws -> [String: String] {
        var env: [String: String] = [:]
        for (n, v) in pairs {
            guard let name = String(validating: n, as: UTF8.self), let value = String(validating: v, as: UTF8.self) else {
                throw HTTPError.badRequest("A request header is not valid UTF-8.", code: "invalid_header_encoding")
            }
            env[name] = value
        }
        return env
    }

    /// The declared body length: absent or empty is 0; non-numeric or negative is 400; above `limit` is 413.
    public static func contentLength(_ env: [String: String], limit: Int) throws -> Int {
        guard let raw = env["CONTENT_LENGTH"], !raw.isEmpty else { return 0 }
        guard raw.utf8.count <= 19, raw.utf8.allSatisfy({ $0 >= 0x30 && $0 <= 0x39 }), let n = Int(raw) else {
            throw HTTPError.badRequest("Content-Length must be a non-negative number.", code: "invalid_content_length")
        }
        if n > limit { throw HTTPError.payloadTooLarge(limit: limit) }
        return n
    }

    /// Builds the request from the meta-variables and an already-read body.
    public static func request(_ env: [String: String], body: [UInt8]) throws -> Request {
        guard let method = env["REQUEST_METHOD"], !method.isEmpty,
              method.utf8.allSatisfy({ ($0 >= 0x41 && $0 <= 0x5a) || $0 == 0x2d || ($0 >= 0x61 && $0 <= 0x7a) }) else {
            throw HTTPError.badRequest("The request has no valid method.", code: "invalid_method")
        }
        let query = env["QUERY_STRING"] ?? ""
        let pathInfo = env["PATH_INFO"] ?? ""
        var path: String
        if let uri = env["REQUEST_URI"], uri.hasPrefix("/") {
            path = String(uri.split(separator: "?", maxSplits: 1, omittingEmptySubsequences: false)[0])
        } else {
            path = (env["SCRIPT_NAME"] ?? "") + pathInfo
        }
        if path.isEmpty { path = "/" }
        var headers = Headers()
        for (name, value) in env.sorted(by: { $0.key < $1.key }) {
            if name.hasPrefix("HTTP_"), name.count > 5 {
                // Proxies already folded repeats into one comma list; the CGI variable for Content-Length wins.
                if name == "HTTP_CONTENT_LENGTH" || name == "HTTP_CONTENT_TYPE" { continue }
                headers.add(String(name.dropFirst(5)).replacingOccurrences(of: "_", with: "-"), value)
            }
        }
        if let t = env["CONTENT_TYPE"], !t.isEmpty { headers.add("content-type", t) }
        if let l = env["CONTENT_LENGTH"], !l.isEmpty { headers.add("content-length", l) }
        let https = (env["HTTPS"] ?? "").lowercased()
        return Request(method: method.uppercased(), path: path, pathInfo: pathInfo, queryString: query, headers: headers,
                       remoteAddress: env["REMOTE_ADDR"] ?? "", body: body, isSecure: https == "on" || https == "1")
    }
}

extension String {
    fileprivate func replacingOccurrences(of a: Character, with b: Character) -> String {
        String(map { $0 == a ? b : $0 })
    }
}
