/// `application/x-www-form-urlencoded` bodies and query strings: repeated keys keep every value.
public struct FormData: Sendable, Equatable {
    /// Every pair in the order sent.
    public private(set) var pairs: [(name: String, value: String)]

    public init(pairs: [(name: String, value: String)] = []) { self.pairs = pairs }

    /// Parses `a=1&b=x+y&a=2`. `+` is a space; `%XX` escapes are decoded as UTF-8.
    /// An invalid escape or invalid UTF-8 throws 400 `invalid_form` rather than guessing; a NUL byte
    /// (`%00`) throws 400 `nul_byte` naming the field (PostgreSQL cannot store it).
    public init(parsing text: String) throws { try self.init(parsing: Array(text.utf8)) }

    public init(parsing bytes: [UInt8]) throws {
        var pairs: [(name: String, value: String)] = []
        for part in bytes.split(separator: UInt8(ascii: "&"), omittingEmptySubsequences: true) {
            let eq = part.firstIndex(of: UInt8(ascii: "="))
            let name = try FormData.decodeComponent(eq.map { part[part.startIndex..<$0] } ?? part[...])
            let value = try FormData.decodeComponent(eq.map { part[part.index(after: $0)...] } ?? part[part.endIndex...])
            if name.isEmpty { continue }
            if name.utf8.contains(0) || value.utf8.contains(0) { throw NULBytes.refusal(field: name) }
            pairs.append((name, value))
        }
        self.pairs = pairs
    }

    /// The first value of `name`, if any.
    public subscript(name: String) -> String? { pairs.first { $0.name == name }?.value }

    /// Every value of `name` (for `tags=a&tags=b`).
    public func values(_ name: String) -> [String] { pairs.filter { $0.name == name }.map(\.value) }

    /// Name -> values, for code that wants a dictionary.
    public var dictionary: [String: [String]] {
        var d: [String: [String]] = [:]
        for (n, v) in pairs { d[n, default: []].append(v) }
        return d
    }

    public static func == (a: FormData, b: FormData) -> Bool {
        a.pairs.elementsEqual(b.pairs) { $0.name == $1.name && $0.value == $1.value }
    }

    /// Decodes one component: `+` -> space, `%XX` -> byte; the bytes must be UTF-8.
    public static func decodeComponent<C: Collection>(_ bytes: C) throws -> String where C.Element == UInt8 {
        var out: [UInt8] = []
        out.reserveCapacity(bytes.count)
        var i = bytes.startIndex
        while i != bytes.endIndex {
            let b = bytes[i]
            if b == UInt8(ascii: "+") {
                out.append(0x20)
            } else if b == UInt8(ascii: "%") {
                let h = bytes.index(after: i)
                guard h != bytes.endIndex, let hi = hexValue(bytes[h]) else { throw invalid }
                let l = bytes.index(after: h)
                guard l != bytes.endIndex, let lo = hexValue(bytes[l]) else { throw invalid }
                out.append(hi << 4 | lo)
                i = l
            } else {
                out.append(b)
            }
            i = bytes.index(after: i)
        }
        guard let s = String(validating: out, as: UTF8.self) else { throw invalid }
        return s
    }

    /// Percent-encodes for a query string or form body (space as `+`).
    public static func encodeComponent(_ s: String) -> String {
        var out = ""
        for b in s.utf8 {
            switch b {
            case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"),
                 UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "-"), UInt8(ascii: "."), UInt8(ascii: "_"), UInt8(ascii: "~"):
                out.unicodeScalars.append(Unicode.Scalar(b))
            case 0x20: out += "+"
            default:
                let hex = Array("0123456789ABCDEF".utf8)
                out += "%" + String(decoding: [hex[Int(b >> 4)], hex[Int(b & 15)]], as: UTF8.self)
            }
        }
        return out
    }

    static let invalid = HTTPError.badRequest("The form data has an invalid %-escape or is not UTF-8.", code: "invalid_form")

    static func hexValue(_ b: UInt8) -> UInt8? {
        switch b {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): b - UInt8(ascii: "0")
        case UInt8(ascii: "a")...UInt8(ascii: "f"): b - UInt8(ascii: "a") + 10
        case UInt8(ascii: "A")...UInt8(ascii: "F"): b - UInt8(ascii: "A") + 10
        default: nil
        }
    }
}

extension Request {
    /// The query string as form data (400 on invalid escapes).
    public func query() throws -> FormData { try FormData(parsing: queryString) }

    /// The body as a urlencoded form; other content types are refused with 415.
    public func form() throws -> FormData {
        let type = headers["content-type"]?.split(separator: ";").first?.trimmingCharacters(in: .whitespaces).lowercased()
        guard type == "application/x-www-form-urlencoded" else {
            throw HTTPError.unsupportedMediaType(["application/x-www-form-urlencoded"])
        }
        return try FormData(parsing: body)
    }
}
