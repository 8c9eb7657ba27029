import Foundation

/// The one mapping from a thrown error to a response: JSON for API clients, a small HTML page for browsers.
/// Unknown errors become a generic 500; their detail goes to stderr only.
public enum ErrorResponder {
    /// Runs `handler`, turning any thrown error into a response. Every runtime comes through here, so this
    /// is where a NUL byte in the request line or a header is refused before any function sees it.
    public static func respond(_ handler: Handler, to request: Request) async -> Response {
        do {
            try NULBytes.check(request)
            return try await handler(request)
        } catch {
            return response(for: error, request: request)
        }
    }

    public static func response(for error: Error, request: Request?) -> Response {
        let http: HTTPError
        if let e = error as? HTTPError {
            http = e
        } else {
            log("unhandled error for \(request?.method ?? "-") \(request?.path ?? "-"): \(String(reflecting: error))")
            http = HTTPError(500, code: "internal_error", "Something went wrong on our side. Please try again in a moment.")
        }
        var response: Response
        if let request, wantsJSON(request) {
            response = Response(status: http.status, contentType: "application/json", body: jsonBody(http))
        } else {
            response = Response(status: http.status, contentType: "text/html; charset=utf-8", body: Array(htmlBody(http).utf8))
        }
        for (name, value) in http.headers.sorted(by: { $0.key < $1.key }) { response.headers.set(name, value) }
        return response
    }

    /// JSON when the request was JSON or `Accept` ranks application/json above text/html.
    public static func wantsJSON(_ request: Request) -> Bool {
        if request.isJSON { return true }
        guard let accept = request.headers["accept"] else { return false }
        var json = -1.0, html = -1.0
        for item in accept.split(separator: ",") {
            let parts = item.split(separator: ";").map { $0.trimmingCharacters(in: .whitespaces).lowercased() }
            guard let type = parts.first else { continue }
            var q = 1.0
            for p in parts.dropFirst() where p.hasPrefix("q=") { q = Double(p.dropFirst(2)) ?? 0 }
            if type == "application/json" || type.hasSuffix("+json") { json = max(json, q) }
            if type == "text/html" { html = max(html, q) }
        }
        return json > 0 && json > html
    }

    static func jsonBody(_ e: HTTPError) -> [UInt8] {
        struct Body: Encodable { let error: Inner }
        struct Inner: Encodable { let code: String; let message: String; let fields: [String: String] }
        return (try? JSONCoding.encode(Body(error: Inner(code: e.code, message: e.message, fields: e.fields))))
            ?? Array(#"{"error":{"code":"internal_error","message":"","fields":{}}}"#.utf8)
    }

    static func htmlBody(_ e: HTTPError) -> String {
        let title = "\(e.status) \(HTTPStatus.reason(e.status))"
        var html = "<!doctype html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><title>\(htmlEscape(title))</title></head>\n"
        html += "<body><h1>\(htmlEscape(title))</h1>\n<p>\(htmlEscape(e.message))</p>\n"
        if !e.fields.isEmpty {
            html += "<ul>\n"
            for (field, message) in e.fields.sorted(by: { $0.key < $1.key }) {
                html += "<li><strong>\(htmlEscape(field))</strong>: \(htmlEscape(message))</li>\n"
            }
            html += "</ul>\n"
        }
        return html + "</body></html>\n"
    }
}

/// Writes one line to stderr (web servers put it in their error log).
public func log(_ message: String) {
    FileHandle.standardError.write(Data("roch: \(message)\n".utf8))
}
