/// `multipart/form-data` bodies (RFC 7578): a boundary from the Content-Type, parts each with a
/// Content-Disposition naming the field (and a file name for a file) and an optional Content-Type.
/// Bounded: at most `Limits.maxParts` parts, `maxHeaderBytes` of headers per part and `maxPartBytes`
/// per part. Malformed input is refused with a 400 whose code and message name the problem; it is never
/// guessed at.
public struct MultipartForm: Sendable, Equatable {
    public struct Part: Sendable, Equatable {
        /// The form field's name (`name=` of Content-Disposition).
        public var name: String
        /// The file name as the browser sent it, for a file field (untrusted: never a path to use).
        public var filename: String?
        /// The part's declared Content-Type (untrusted), lower-cased without parameters.
        public var contentType: String?
        public var body: [UInt8]

        public init(name: String, filename: String? = nil, contentType: String? = nil, body: [UInt8]) {
            self.name = name
            self.filename = filename
            self.contentType = contentType
            self.body = body
        }

        /// The body as UTF-8 text (a plain field); nil when it is not UTF-8 or holds a NUL.
        public var text: String? {
            guard !body.contains(0) else { return nil }
            return String(validating: body, as: UTF8.self)
        }
    }

    public struct Limits: Sendable {
        public var maxParts: Int
        public var maxHeaderBytes: Int
        public var maxPartBytes: Int
        public init(maxParts: Int = 16, maxHeaderBytes: Int = 4096, maxPartBytes: Int = BodyLimit.defaultBytes) {
            self.maxParts = maxParts
            self.maxHeaderBytes = maxHeaderBytes
            self.maxPartBytes = maxPartBytes
        }
    }

    public private(set) var parts: [Part]

    public init(parts: [Part]) { self.parts = parts }

    /// The first part named `name`.
    public subscript(name: String) -> Part? { parts.first { $0.name == name } }

    /// A plain (non-file) field's text; nil when absent, a file, or not UTF-8.
    public func field(_ name: String) -> String? {
        guard let part = self[name], part.filename == nil else { return nil }
        return part.text
    }

    /// Every part that carries a file name.
    public var files: [Part] { parts.filter { $0.filename != nil } }

    // MARK: - Boundary

    /// The boundary of a `multipart/form-data` Content-Type. Another type is 415; a missing or invalid
    /// boundary (RFC 2046: 1-70 characters of a restricted set, not ending in a space) is 400.
    public static func boundary(contentType: String?) throws -> String {
        let pieces = (contentType ?? "").split(separator: ";", omittingEmptySubsequences: false)
        let type = pieces.first.map { $0.trimmingSpaces().lowercased() } ?? ""
        guard type == "multipart/form-data" else { throw HTTPError.unsupportedMediaType(["multipart/form-data"]) }
        var boundary: String?
        for piece in pieces.dropFirst() {
            let trimmed = piece.trimmingSpaces()
            guard let eq = trimmed.firstIndex(of: "=") else { continue }
            guard trimmed[..<eq].trimmingSpaces().lowercased() == "boundary" else { continue }
            var value = trimmed[trimmed.index(after: eq)...].trimmingSpaces()
            if value.count >= 2, value.hasPrefix("\""), value.hasSuffix("\"") { value = String(value.dropFirst().dropLast()) }
            boundary = value
        }
        guard let boundary, !boundary.isEmpty else {
            throw HTTPError.badRequest("The multipart Content-Type has no boundary= parameter.", code: "multipart_no_boundary")
        }
        guard boundary.utf8.count <= 70, boundary.utf8.last != 0x20,
              boundary.utf8.allSatisfy({ isBoundaryChar($0) }) else {
            throw HTTPError.badRequest("The multipart boundary must be 1-70 letters, digits or '()+_,-./:=? and spaces.",
                                       code: "multipart_bad_boundary")
        }
        return boundary
    }

    static func isBoundaryChar(_ b: UInt8) -> Bool {
        switch b {
        case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "0")...UInt8(ascii: "9"): true
        default: Array("'()+_,-./:=? ".utf8).contains(b)
        }
    }

    // MARK: - Body

    /// Parses `body` split by `boundary`. A preamble before the first delimiter and an epilogue after
    /// the closing one are ignored (RFC 2046); everything else must be well-formed.
    public init(parsing body: [UInt8], boundary: String, limits: Limits = Limits()) throws {
        let dash = Array("--".utf8) + Array(boundary.utf8)
        let delimiter = [0x0d, 0x0a] + dash
        // The first delimiter: at the very start, or after a CRLF ending the preamble.
        var position: Int
        if body.starts(with: dash) {
            position = dash.count
        } else if let found = Self.find(delimiter, in: body, from: 0) {
            position = found + delimiter.count
        } else {
            throw Self.malformed("The body has no multipart boundary line; check the boundary in Content-Type.", "multipart_no_parts")
        }
        var parts: [Part] = []
        while true {
            // After a delimiter: "--" closes; else optional whitespace then CRLF.
            if body.count - position >= 2, body[position] == 0x2d, body[position + 1] == 0x2d { break }
            while position < body.count, body[position] == 0x20 || body[position] == 0x09 { position += 1 }
            guard body.count - position >= 2, body[position] == 0x0d, body[position + 1] == 0x0a else {
                throw Self.malformed("A multipart boundary line is not followed by CRLF (or the body is cut short).", "multipart_truncated")
            }
            position += 2
            guard parts.count < limits.maxParts else {
                throw HTTPError.badRequest("The form has more than \(limits.maxParts) parts.", code: "multipart_too_many_parts")
            }
            // Headers end at the first empty line.
            let headerSearchEnd = min(body.count, position + limits.maxHeaderBytes + 4)
            let headerEnd: Int
            if body.count - position >= 2, body[position] == 0x0d, body[position + 1] == 0x0a {
                headerEnd = position  // no headers at all
            } else if let end = Self.find([0x0d, 0x0a, 0x0d, 0x0a], in: body[..<headerSearchEnd], from: position) {
                headerEnd = end + 2
            } else if headerSearchEnd < body.count {
                throw Self.malformed("A part's headers are longer than \(limits.maxHeaderBytes) bytes.", "multipart_headers_too_large")
            } else {
                throw Self.malformed("A part's headers do not end with an empty line (the body is cut short).", "multipart_truncated")
            }
            var part = try Self.parseHeaders(body[position..<headerEnd])
            let contentStart = headerEnd + 2
            guard let contentEnd = Self.find(delimiter, in: body, from: contentStart) else {
                throw Self.malformed("A part is not closed by the boundary (the body is cut short).", "multipart_truncated")
            }
            guard contentEnd - contentStart <= limits.maxPartBytes else {
                throw HTTPError(413, code: "payload_too_large",
                                "The part \"\(part.name)\" is larger than the \(limits.maxPartBytes)-byte limit.")
            }
            part.body = Array(body[contentStart..<contentEnd])
            parts.append(part)
            position = contentEnd + delimiter.count
        }
        guard !parts.isEmpty else { throw Self.malformed("The multipart body has no parts.", "multipart_no_parts") }
        self.parts = parts
    }

    static func malformed(_ message: String, _ code: String) -> HTTPError { .badRequest(message, code: code) }

    /// The part's headers: Content-Disposition (required, `form-data` with a name) and Content-Type.
    static func parseHeaders(_ bytes: ArraySlice<UInt8>) throws -> Part {
        guard let text = String(validating: Array(bytes), as: UTF8.self), !bytes.contains(0) else {
            throw malformed("A part's headers are not UTF-8 text.", "multipart_bad_header")
        }
        var disposition: String?
        var contentType: String?
        for line in text.split(separator: "\r\n", omittingEmptySubsequences: true) {
            guard let colon = line.firstIndex(of: ":") else {
                throw malformed("A part's header line has no colon.", "multipart_bad_header")
            }
            let name = line[..<colon].trimmingSpaces().lowercased()
            let value = line[line.index(after: colon)...].trimmingSpaces()
            if name.isEmpty || name.contains(where: { $0 == " " || $0 == "\t" }) || line.contains(where: { $0 == "\r" || $0 == "\n" }) {
                throw malformed("A part's header line is malformed.", "multipart_bad_header")
            }
            switch name {
            case "content-disposition":
                guard disposition == nil else { throw malformed("A part has two Content-Disposition headers.", "multipart_bad_header") }
                disposition = value
            case "content-type":
                contentType = value.split(separator: ";").first.map { $0.trimmingSpaces().lowercased() }
            default: continue
            }
        }
        guard let disposition else {
            throw malformed("A part has no Content-Disposition header.", "multipart_no_disposition")
        }
        let (kind, params) = try parseDisposition(disposition)
        guard kind == "form-data" else {
            throw malformed("A part's Content-Disposition is \"\(kind)\", not form-data.", "multipart_no_disposition")
        }
        guard let name = params["name"], !name.isEmpty else {
            throw malformed("A part's Content-Disposition has no name.", "multipart_no_name")
        }
        return Part(name: name, filename: params["filename"], contentType: contentType, body: [])
    }

    /// `form-data; name="a"; filename="b.jpg"`: the type and its parameters (quoted strings may hold
    /// `;` and backslash-escaped characters). A parameter given twice is refused.
    static func parseDisposition(_ value: String) throws -> (String, [String: String]) {
        let chars = Array(value.unicodeScalars)
        var i = 0
        func skipSpaces() { while i < chars.count, chars[i] == " " || chars[i] == "\t" { i += 1 } }
        func token() -> String {
            var s = ""
            while i < chars.count, chars[i] != ";", chars[i] != "=", chars[i] != " ", chars[i] != "\t" {
                s.unicodeScalars.append(chars[i]); i += 1
            }
            return s
        }
        let bad = malformed("A part's Content-Disposition cannot be read.", "multipart_bad_header")
        skipSpaces()
        let kind = token().lowercased()
        var params: [String: String] = [:]
        while true {
            skipSpaces()
            if i == chars.count { break }
            guard chars[i] == ";" else { throw bad }
            i += 1
            skipSpaces()
            if i == chars.count { break }
            let key = token().lowercased()
            skipSpaces()
            guard !key.isEmpty, i < chars.count, chars[i] == "=" else { throw bad }
            i += 1
            skipSpaces()
            var v = ""
            if i < chars.count, chars[i] == "\"" {
                i += 1
                var closed = false
                while i < chars.count {
                    let c = chars[i]
                    if c == "\\", i + 1 < chars.count { v.unicodeScalars.append(chars[i + 1]); i += 2; continue }
                    if c == "\"" { closed = true; i += 1; break }
                    v.unicodeScalars.append(c); i += 1
                }
                guard closed else { throw bad }
            } else {
                v = token()
            }
            guard params[key] == nil else {
                throw malformed("A part's Content-Disposition gives \(key) twice.", "multipart_bad_header")
            }
            params[key] = v
        }
        return (kind, params)
    }

    /// The first index at or after `from` where `needle` starts in `haystack`.
    static func find<C: RandomAccessCollection>(_ needle: [UInt8], in haystack: C, from: Int) -> Int? where C.Element == UInt8, C.Index == Int {
        guard let first = needle.first, haystack.endIndex - from >= needle.count else { return nil }
        var i = max(from, haystack.startIndex)
        let last = haystack.endIndex - needle.count
        while i <= last {
            if haystack[i] == first {
                var j = 1
                while j < needle.count, haystack[i + j] == needle[j] { j += 1 }
                if j == needle.count { return i }
            }
            i += 1
        }
        return nil
    }
}

extension Request {
    /// The body as `multipart/form-data` (415 for another type, 400 for a malformed body).
    public func multipart(limits: MultipartForm.Limits = MultipartForm.Limits()) throws -> MultipartForm {
        let boundary = try MultipartForm.boundary(contentType: headers["content-type"])
        return try MultipartForm(parsing: body, boundary: boundary, limits: limits)
    }
}

extension StringProtocol {
    func trimmingSpaces() -> String {
        var s = Substring(self)
        while let f = s.first, f == " " || f == "\t" { s.removeFirst() }
        while let l = s.last, l == " " || l == "\t" { s.removeLast() }
        return String(s)
    }
}
