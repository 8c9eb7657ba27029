import Foundation

/// An HTTP request as every runtime (CGI, FastCGI, dev server) hands it to a function.
public struct Request: Sendable {
    public var method: String
    /// The full path as the client sent it, without the query string (e.g. `/api/portal/bookings`).
    public var path: String
    /// The part of the path below the function's mount point (CGI `PATH_INFO`), e.g. `/bookings`.
    public var pathInfo: String
    /// The raw query string, without the leading `?`.
    public var queryString: String
    /// Header names are stored lower-cased.
    public var headers: Headers
    public var remoteAddress: String
    public var body: [UInt8]
    /// True when the client reached us over TLS (CGI `HTTPS=on`, or `X-Forwarded-Proto: https` from a trusted proxy).
    public var isSecure: Bool

    public init(method: String, path: String, pathInfo: String = "", queryString: String = "",
                headers: Headers = Headers(), remoteAddress: String = "", body: [UInt8] = [], isSecure: Bool = false) {
        self.method = method
        self.path = path
        self.pathInfo = pathInfo
        self.queryString = queryString
        self.headers = headers
        self.remoteAddress = remoteAddress
        self.body = body
        self.isSecure = isSecure
    }
}

/// Case-insensitive HTTP headers that keep their order and allow repeats.
public struct Headers: Sendable, Sequence, Equatable {
    public private(set) var fields: [(name: String, value: String)] = []

    public init(_ fields: [(String, String)] = []) {
        for (n, v) in fields { add(n, v) }
    }

    public subscript(name: String) -> String? {
        let key = name.lowercased()
        return fields.first { $0.name == key }?.value
    }

    public func values(_ name: String) -> [String] {
        let key = name.lowercased()
        return fields.filter { $0.name == key }.map(\.value)
    }

    public mutating func add(_ name: String, _ value: String) {
        fields.append((name.lowercased(), value))
    }

    /// Replaces every value of `name` with one value.
    public mutating func set(_ name: String, _ value: String) {
        remove(name)
        add(name, value)
    }

    public mutating func remove(_ name: String) {
        let key = name.lowercased()
        fields.removeAll { $0.name == key }
    }

    public func makeIterator() -> IndexingIterator<[(name: String, value: String)]> { fields.makeIterator() }

    public static func == (a: Headers, b: Headers) -> Bool {
        a.fields.elementsEqual(b.fields) { $0.name == $1.name && $0.value == $1.value }
    }
}
