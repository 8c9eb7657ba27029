import Foundation

/// Cookies: reading the `Cookie` header and building `Set-Cookie` values.
public enum Cookies {
    /// Parses `a=1; b=2`. Quoted values are unquoted; malformed pieces are skipped (browsers send junk).
    public static func parse(_ header: String?) -> [String: String] {
        guard let header else { return [:] }
        var out: [String: String] = [:]
        for piece in header.split(separator: ";") {
            guard let eq = piece.firstIndex(of: "=") else { continue }
            let name = piece[..<eq].trimmingCharacters(in: .whitespaces)
            var value = piece[piece.index(after: eq)...].trimmingCharacters(in: .whitespaces)
            if value.count >= 2, value.hasPrefix("\""), value.hasSuffix("\"") { value = String(value.dropFirst().dropLast()) }
            if name.isEmpty || out[name] != nil { continue }  // the first (most specific path) wins
            out[name] = value
        }
        return out
    }
}

/// A `Set-Cookie` header value. Defaults are the safe ones: HttpOnly, Secure, SameSite=Lax, Path=/.
public struct SetCookie: Sendable, Equatable {
    public enum SameSite: String, Sendable { case strict = "Strict", lax = "Lax", none = "None" }

    public var name: String
    public var value: String
    public var path: String? = "/"
    public var domain: String?
    public var maxAge: Int?
    public var httpOnly = true
    public var secure = true
    public var sameSite: SameSite? = .lax

    public init(name: String, value: String, path: String? = "/", domain: String? = nil, maxAge: Int? = nil,
                httpOnly: Bool = true, secure: Bool = true, sameSite: SameSite? = .lax) {
        self.name = name; self.value = value; self.path = path; self.domain = domain
        self.maxAge = maxAge; self.httpOnly = httpOnly; self.secure = secure; self.sameSite = sameSite
    }

    /// A cookie that tells the browser to forget `name`.
    public static func expired(_ name: String, path: String = "/") -> SetCookie {
        SetCookie(name: name, value: "", path: path, maxAge: 0)
    }

    /// The header value. Throws when a part would break the header (`;`, `,`, CR/LF, spaces in the value).
    public func headerValue() throws -> String {
        func ok(_ s: String, extra: Set<Character>) -> Bool {
            s.allSatisfy { c in c.isASCII && !(c.asciiValue! < 0x21 || c.asciiValue! == 0x7f) && !extra.contains(c) }
        }
        guard !name.isEmpty, ok(name, extra: ["(", ")", "<", ">", "@", ",", ";", ":", "\\", "\"", "/", "[", "]", "?", "=", "{", "}"]),
              ok(value, extra: ["\"", ",", ";", "\\"]),
              path.map({ ok($0, extra: [";"]) }) ?? true, domain.map({ ok($0, extra: [";"]) }) ?? true else {
            throw HTTPError(500, code: "invalid_cookie", "Cookie \(name) has characters a Set-Cookie header cannot carry.")
        }
        var parts = ["\(name)=\(value)"]
        if let path { parts.append("Path=\(path)") }
        if let domain { parts.append("Domain=\(domain)") }
        if let maxAge { parts.append("Max-Age=\(maxAge)") }
        if secure || sameSite == SameSite.none { parts.append("Secure") }
        if httpOnly { parts.append("HttpOnly") }
        if let sameSite { parts.append("SameSite=\(sameSite.rawValue)") }
        return parts.joined(separator: "; ")
    }
}

extension Request {
    /// Cookies sent by the browser.
    public var cookies: [String: String] { Cookies.parse(headers.values("cookie").joined(separator: "; ")) }
}

extension Response {
    /// Adds a `Set-Cookie` header (several may be set).
    public mutating func setCookie(_ cookie: SetCookie) throws {
        headers.add("Set-Cookie", try cookie.headerValue())
    }
}
