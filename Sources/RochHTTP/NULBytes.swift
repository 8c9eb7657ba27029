import Foundation

/// Input may not carry NUL bytes (U+0000): PostgreSQL text cannot hold them and libpq passes values as
/// C strings, so a NUL would silently cut what is stored ("Asha\0x" saved as "Asha"). Every way data
/// comes in (form fields, query parameters, JSON strings, the request line and headers) refuses them
/// with a 400 `nul_byte` that names the field.
public enum NULBytes {
    public static let code = "nul_byte"

    /// The refusal: `field` keys the field-level message (as forms and JSON name it), `described`
    /// starts the sentence ("The field “name”", "The header x-foo").
    public static func refusal(field: String, described: String) -> HTTPError {
        HTTPError(400, code: code, "\(described) contains a NUL byte (%00 or \\u0000), which cannot be stored. Remove it and send again.",
                  fields: [printable(field): "Contains a NUL byte (%00 or \\u0000); remove it."])
    }

    /// The refusal for a form field, query parameter or JSON field.
    public static func refusal(field: String) -> HTTPError {
        refusal(field: field, described: "The field “\(printable(field))”")
    }

    /// Throws the refusal when the request line, the remote address or a header holds a NUL byte.
    /// (CGI cannot pass one; FastCGI parameters and raw HTTP can.)
    public static func check(_ request: Request) throws {
        for (field, text) in [("method", request.method), ("path", request.path), ("path", request.pathInfo),
                              ("query string", request.queryString), ("remote address", request.remoteAddress)]
        where text.utf8.contains(0) {
            throw refusal(field: field, described: "The \(field)")
        }
        for (name, value) in request.headers where name.utf8.contains(0) || value.utf8.contains(0) {
            throw refusal(field: name, described: "The header \(printable(name))")
        }
    }

    /// Throws the refusal when a key or string value anywhere in a JSON document holds U+0000 (escaped
    /// as `\u0000`). A body that is not valid JSON passes: its decoder reports that.
    public static func checkJSON(_ body: [UInt8]) throws {
        // Only a document with the escape (or a raw NUL, which no decoder accepts) needs the walk.
        guard body.contains(0) || containsEscapedNUL(body),
              let document = try? JSONSerialization.jsonObject(with: Data(body), options: [.fragmentsAllowed]) else { return }
        if let path = firstPathWithNUL(document, path: "") {
            throw path.isEmpty ? refusal(field: "body", described: "The body") : refusal(field: path)
        }
    }

    static func containsEscapedNUL(_ body: [UInt8]) -> Bool {
        let needle = Array(#"\u0000"#.utf8)
        guard body.count >= needle.count else { return false }
        return (0...(body.count - needle.count)).contains { i in body[i..<(i + needle.count)].elementsEqual(needle) }
    }

    /// Where a NUL is (`name`, `services[1]`, `guest.name`); object keys are visited in sorted order.
    static func firstPathWithNUL(_ value: Any, path: String) -> String? {
        switch value {
        case let s as String:
            return s.utf8.contains(0) ? path : nil
        case let object as [String: Any]:
            for key in object.keys.sorted() {
                let child = path.isEmpty ? key : "\(path).\(key)"
                if key.utf8.contains(0) { return child }
                if let found = firstPathWithNUL(object[key]!, path: child) { return found }
            }
            return nil
        case let array as [Any]:
            for (i, element) in array.enumerated() {
                if let found = firstPathWithNUL(element, path: "\(path)[\(i)]") { return found }
            }
            return nil
        default:
            return nil
        }
    }

    /// The name as a person can read it: a NUL inside the name itself is shown as `\0`.
    static func printable(_ field: String) -> String {
        field.replacingOccurrences(of: "\u{0}", with: "\\0")
    }
}
