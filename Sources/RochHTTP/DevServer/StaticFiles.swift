import Foundation

/// Serves the built site (`public/`) the way a production web server would: MIME types, ETag and
/// Last-Modified with 304, gzip for text, index.html for directories, the site's 404.html, no traversal.
public struct StaticFiles: Sendable {
    public let root: String
    /// A script injected before `</body>` of HTML pages (live reload), or nil.
    public var injectBeforeBodyEnd: String?

    public init(root: String, injectBeforeBodyEnd: String? = nil) {
        self.root = root.hasSuffix("/") && root.count > 1 ? String(root.dropLast()) : root
        self.injectBeforeBodyEnd = injectBeforeBodyEnd
    }

    public func response(for request: Request) -> Response {
        guard request.method == "GET" || request.method == "HEAD" else {
            return ErrorResponder.response(for: HTTPError.methodNotAllowed(["GET", "HEAD"]), request: request)
        }
        guard let path = Self.decodePath(request.path) else { return notFound(request) }
        let fsPath = root + path
        var st = stat()
        guard stat(fsPath, &st) == 0 else { return notFound(request) }
        if st.st_mode & S_IFMT == S_IFDIR {
            guard path.hasSuffix("/") else {
                let location = request.path + "/" + (request.queryString.isEmpty ? "" : "?" + request.queryString)
                return Response(status: 301, headers: Headers([("Location", location)]))
            }
            let index = fsPath + "index.html"
            guard stat(index, &st) == 0, st.st_mode & S_IFMT == S_IFREG else { return notFound(request) }
            return file(index, st, request: request, status: 200)
        }
        guard st.st_mode & S_IFMT == S_IFREG else { return notFound(request) }
        return file(fsPath, st, request: request, status: 200)
    }

    /// `%`-decodes a URL path and refuses anything that could leave the root (`..`, NUL, backslash).
    public static func decodePath(_ raw: String) -> String? {
        var bytes: [UInt8] = []
        var it = Array(raw.utf8)[...]
        while let b = it.popFirst() {
            if b == UInt8(ascii: "%") {
                guard it.count >= 2, let hi = FormData.hexValue(it[it.startIndex]), let lo = FormData.hexValue(it[it.startIndex + 1]) else { return nil }
                bytes.append(hi << 4 | lo)
                it = it.dropFirst(2)
            } else {
                bytes.append(b)
            }
        }
        guard let path = String(validating: bytes, as: UTF8.self), path.hasPrefix("/"), !path.contains("\0"), !path.contains("\\") else { return nil }
        for segment in path.split(separator: "/", omittingEmptySubsequences: false) where segment == ".." || segment == "." { return nil }
        return path
    }

    private func notFound(_ request: Request) -> Response {
        var st = stat()
        let page = root + "/404.html"
        if stat(page, &st) == 0, st.st_mode & S_IFMT == S_IFREG {
            var r = file(page, st, request: request, status: 404, conditional: false)
            r.headers.set("Cache-Control", "no-cache")
            return r
        }
        return ErrorResponder.response(for: HTTPError.notFound(), request: request)
    }

    private func file(_ path: String, _ st: stat, request: Request, status: Int, conditional: Bool = true) -> Response {
        let type = MIMETypes.type(forPath: path)
        let mtime = Int(st.st_mtim.tv_sec)
        let inject = type.hasPrefix("text/html") ? injectBeforeBodyEnd : nil
        let etag = "\"\(String(st.st_size, radix: 16))-\(String(mtime, radix: 16))-\(String(Int(st.st_mtim.tv_nsec), radix: 16))\(inject == nil ? "" : "-lr")\""
        var headers = Headers([("Content-Type", type), ("ETag", etag), ("Last-Modified", HTTPDate.format(mtime))])
        headers.add("Cache-Control", "no-cache")
        let compressible = MIMETypes.isCompressible(type)
        if compressible { headers.add("Vary", "Accept-Encoding") }
        if conditional && isNotModified(request, etag: etag, mtime: mtime) {
            return Response(status: 304, headers: headers)
        }
        guard var bytes = FileManager.default.contents(atPath: path).map(Array.init) else {
            return ErrorResponder.response(for: HTTPError.forbidden("This file cannot be read."), request: request)
        }
        if let inject { bytes = Self.inject(inject, into: bytes) }
        if compressible, bytes.count > 256, Self.acceptsGzip(request), let gz = Gzip.compress(bytes) {
            bytes = gz
            headers.add("Content-Encoding", "gzip")
        }
        headers.add("Content-Length", String(bytes.count))
        return Response(status: status, headers: headers, body: .bytes(request.method == "HEAD" ? [] : bytes))
    }

    private func isNotModified(_ request: Request, etag: String, mtime: Int) -> Bool {
        if let inm = request.headers["if-none-match"] {
            return inm.split(separator: ",").contains { let t = $0.trimmingCharacters(in: .whitespaces); return t == etag || t == "W/" + etag || t == "*" }
        }
        if let ims = request.headers["if-modified-since"], let since = HTTPDate.parse(ims) { return mtime <= since }
        return false
    }

    static func acceptsGzip(_ request: Request) -> Bool {
        guard let ae = request.headers["accept-encoding"] else { return false }
        return ae.split(separator: ",").contains { item in
            let parts = item.split(separator: ";").map { $0.trimmingCharacters(in: .whitespaces).lowercased() }
            return parts.first == "gzip" && !parts.dropFirst().contains { $0 == "q=0" || $0 == "q=0.0" || $0 == "q=0.00" || $0 == "q=0.000" }
        }
    }

    /// Inserts `snippet` before the last `</body>` (case-insensitive), or appends it.
    static func inject(_ snippet: String, into html: [UInt8]) -> [UInt8] {
        let needle = Array("</body>".utf8)
        var i = html.count - needle.count
        while i >= 0 {
            if zip(html[i..<(i + needle.count)], needle).allSatisfy({ ($0 | 0x20) == ($1 | 0x20) }) {
                return Array(html[..<i]) + Array(snippet.utf8) + Array(html[i...])
            }
            i -= 1
        }
        return html + Array(snippet.utf8)
    }
}

/// IMF-fixdate (`Sun, 06 Nov 1994 08:49:37 GMT`) for Last-Modified / If-Modified-Since.
enum HTTPDate {
    static func formatter() -> DateFormatter {
        let f = DateFormatter()
        f.locale = Locale(identifier: "en_US_POSIX")
        f.timeZone = TimeZone(identifier: "GMT")
        f.dateFormat = "EEE, dd MMM yyyy HH:mm:ss 'GMT'"
        return f
    }

    static func format(_ seconds: Int) -> String { formatter().string(from: Date(timeIntervalSince1970: TimeInterval(seconds))) }

    static func parse(_ text: String) -> Int? { formatter().date(from: text).map { Int($0.timeIntervalSince1970) } }
}
