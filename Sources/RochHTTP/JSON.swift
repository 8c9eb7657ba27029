import Foundation
import RochCore

/// The one JSON coder setup of the platform: ISO-8601 dates, sorted keys (stable output for tests and diffs).
public enum JSONCoding {
    public static func makeEncoder() -> JSONEncoder {
        let e = JSONEncoder()
        e.dateEncodingStrategy = .iso8601
        e.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return e
    }

    public static func makeDecoder() -> JSONDecoder {
        let d = JSONDecoder()
        d.dateDecodingStrategy = .iso8601
        return d
    }

    public static func encode<T: Encodable>(_ value: T) throws -> [UInt8] {
        Array(try makeEncoder().encode(value))
    }

    public static func decode<T: Decodable>(_ type: T.Type, from bytes: [UInt8]) throws -> T {
        try makeDecoder().decode(type, from: Data(bytes))
    }
}

extension Request {
    /// True when the body was sent as JSON (`application/json` or `+json`).
    public var isJSON: Bool {
        guard let type = headers["content-type"]?.split(separator: ";").first?.trimmingCharacters(in: .whitespaces).lowercased() else { return false }
        return type == "application/json" || type.hasSuffix("+json")
    }

    /// Decodes the JSON body; a malformed body is the client's fault (400 `invalid_json`), and so is a
    /// string holding `\u0000` (400 `nul_byte`, naming the field).
    public func decodeJSON<T: Decodable>(_ type: T.Type) throws -> T {
        guard isJSON else { throw HTTPError.unsupportedMediaType(["application/json"]) }
        try NULBytes.checkJSON(body)
        do { return try JSONCoding.decode(type, from: body) } catch {
            throw HTTPError.badRequest("The body is not valid JSON for this request.", code: "invalid_json")
        }
    }
}

extension Response {
    /// A JSON response encoded with the shared coder setup.
    public static func json<T: Encodable>(_ value: T, status: Int = 200) throws -> Response {
        Response(status: status, contentType: "application/json", body: try JSONCoding.encode(value))
    }

    /// A redirect; 303 by default so a POSTed form lands on a GET.
    public static func redirect(to location: String, status: Int = 303) -> Response {
        Response(status: status, headers: Headers([("Location", location)]), body: .bytes([]))
    }

    public static func html(_ html: String, status: Int = 200) -> Response {
        Response(status: status, contentType: "text/html; charset=utf-8", body: Array(html.utf8))
    }

    public static func text(_ text: String, status: Int = 200) -> Response {
        Response(status: status, contentType: "text/plain; charset=utf-8", body: Array(text.utf8))
    }
}

/// Escapes text for HTML element content and attribute values (RochCore's HTMLText.escape).
public func htmlEscape(_ s: String) -> String { HTMLText.escape(s) }
