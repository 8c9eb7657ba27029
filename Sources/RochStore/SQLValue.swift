import Foundation

/// A value bound to a `$n` parameter. Values are always sent as parameters, never spliced into SQL.
/// Encoded in PostgreSQL's text format; `nil` from `sqlText` is SQL NULL.
public protocol SQLEncodable: Sendable {
    var sqlText: String? { get }
}

/// A value read from a result column (text format). NULL is handled by `Row` before this is called.
public protocol SQLDecodable {
    init(sqlText: String) throws
    /// The same from the value's UTF-8 bytes in libpq's buffer. The default makes a String and
    /// calls `init(sqlText:)`; integers and arrays read the bytes directly.
    init(sqlBytes: UnsafeRawBufferPointer) throws
}

extension SQLDecodable {
    public init(sqlBytes: UnsafeRawBufferPointer) throws { try self.init(sqlText: String(decoding: sqlBytes, as: UTF8.self)) }
}

/// Reads a decimal integer (optional sign, digits only) from bytes; nil if it is not one or overflows.
func parseInteger<T: FixedWidthInteger>(_ bytes: UnsafeRawBufferPointer, as: T.Type) -> T? {
    var i = 0
    var negative = false
    if let first = bytes.first, first == UInt8(ascii: "-") || first == UInt8(ascii: "+") {
        negative = first == UInt8(ascii: "-")
        i = 1
    }
    guard i < bytes.count else { return nil }
    var value: T = 0
    while i < bytes.count {
        let d = bytes[i] &- UInt8(ascii: "0")
        guard d < 10 else { return nil }
        let (m, o1) = value.multipliedReportingOverflow(by: 10)
        let (v, o2) = negative ? m.subtractingReportingOverflow(T(d)) : m.addingReportingOverflow(T(d))
        guard !o1, !o2 else { return nil }
        value = v
        i += 1
    }
    return value
}

public typealias SQLValue = SQLEncodable & SQLDecodable

func decodingError(_ type: Any.Type, _ text: String) -> PostgresError {
    PostgresError(kind: .decoding, message: "cannot read \(String(text.prefix(60)).debugDescription) as \(type)")
}

extension String: SQLValue {
    public var sqlText: String? { self }
    public init(sqlText: String) { self = sqlText }
}

extension Int: SQLValue {
    public var sqlText: String? { String(self) }
    public init(sqlText: String) throws {
        guard let v = Int(sqlText) else { throw decodingError(Int.self, sqlText) }
        self = v
    }
    public init(sqlBytes: UnsafeRawBufferPointer) throws {
        guard let v = parseInteger(sqlBytes, as: Int.self) else { throw decodingError(Int.self, String(decoding: sqlBytes, as: UTF8.self)) }
        self = v
    }
}

extension Int32: SQLValue {
    public var sqlText: String? { String(self) }
    public init(sqlText: String) throws {
        guard let v = Int32(sqlText) else { throw decodingError(Int32.self, sqlText) }
        self = v
    }
    public init(sqlBytes: UnsafeRawBufferPointer) throws {
        guard let v = parseInteger(sqlBytes, as: Int32.self) else { throw decodingError(Int32.self, String(decoding: sqlBytes, as: UTF8.self)) }
        self = v
    }
}

extension Int64: SQLValue {
    public var sqlText: String? { String(self) }
    public init(sqlText: String) throws {
        guard let v = Int64(sqlText) else { throw decodingError(Int64.self, sqlText) }
        self = v
    }
    public init(sqlBytes: UnsafeRawBufferPointer) throws {
        guard let v = parseInteger(sqlBytes, as: Int64.self) else { throw decodingError(Int64.self, String(decoding: sqlBytes, as: UTF8.self)) }
        self = v
    }
}

extension Double: SQLValue {
    public var sqlText: String? { String(self) }
    public init(sqlText: String) throws {
        guard let v = Double(sqlText) else { throw decodingError(Double.self, sqlText) }
        self = v
    }
}

extension Bool: SQLValue {
    public var sqlText: String? { self ? "t" : "f" }
    public init(sqlText: String) throws {
        switch sqlText {
        case "t", "true": self = true
        case "f", "false": self = false
        default: throw decodingError(Bool.self, sqlText)
        }
    }
}

extension UUID: SQLValue {
    public var sqlText: String? { uuidString.lowercased() }
    public init(sqlText: String) throws {
        guard let v = UUID(uuidString: sqlText) else { throw decodingError(UUID.self, sqlText) }
        self = v
    }
}

extension Optional: SQLEncodable where Wrapped: SQLEncodable {
    public var sqlText: String? { self?.sqlText }
}

/// `timestamptz`: sent as ISO 8601 UTC with microseconds; read in the session's UTC time zone.
extension Date: SQLValue {
    public var sqlText: String? { PostgresTimestamp.format(self) }
    public init(sqlText: String) throws {
        guard let d = PostgresTimestamp.parse(sqlText) else { throw decodingError(Date.self, sqlText) }
        self = d
    }
}

/// `jsonb`/`json`: the JSON text as it is. Use `JSONB(encoding:)` to send an Encodable value.
public struct JSONB: SQLValue, Equatable, Hashable {
    public var text: String
    public init(_ text: String) { self.text = text }
    public init<T: Encodable>(encoding value: T) throws {
        let data = try JSONEncoder.sorted.encode(value)
        self.text = String(decoding: data, as: UTF8.self)
    }
    public var sqlText: String? { text }
    public init(sqlText: String) { self.text = sqlText }
    public func decode<T: Decodable>(_ type: T.Type) throws -> T {
        try JSONDecoder().decode(T.self, from: Data(text.utf8))
    }
}

extension JSONEncoder {
    /// Deterministic output: sorted keys, so the same value always stores the same text.
    static var sorted: JSONEncoder {
        let e = JSONEncoder()
        e.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return e
    }
}

/// `bytea`: bytes in hex form.
public struct ByteA: SQLValue, Equatable {
    public var bytes: [UInt8]
    public init(_ bytes: [UInt8]) { self.bytes = bytes }
    public var sqlText: String? {
        let hex: [UInt8] = Array("0123456789abcdef".utf8)
        var out: [UInt8] = [UInt8(ascii: "\\"), UInt8(ascii: "x")]
        out.reserveCapacity(2 + bytes.count * 2)
        for b in bytes { out.append(hex[Int(b >> 4)]); out.append(hex[Int(b & 0xF)]) }
        return String(decoding: out, as: UTF8.self)
    }
    public init(sqlText: String) throws {
        let u = Array(sqlText.utf8)
        guard u.count >= 2, u[0] == UInt8(ascii: "\\"), u[1] == UInt8(ascii: "x"), u.count % 2 == 0 else {
            throw decodingError(ByteA.self, sqlText)
        }
        func nibble(_ c: UInt8) throws -> UInt8 {
            switch c {
            case 48...57: return c - 48
            case 97...102: return c - 87
            case 65...70: return c - 55
            default: throw decodingError(ByteA.self, sqlText)
            }
        }
        var out: [UInt8] = []
        out.reserveCapacity((u.count - 2) / 2)
        var i = 2
        while i < u.count { out.append(try nibble(u[i]) << 4 | nibble(u[i + 1])); i += 2 }
        bytes = out
    }
}

/// One-dimensional arrays (`text[]`, `bigint[]`, ...) in PostgreSQL's array literal syntax.
extension Array: SQLEncodable where Element: SQLEncodable {
    public var sqlText: String? {
        var s = "{"
        for (i, e) in enumerated() {
            if i > 0 { s += "," }
            guard let t = e.sqlText else { s += "NULL"; continue }
            s += "\""
            for ch in t.unicodeScalars {
                if ch == "\"" || ch == "\\" { s += "\\" }
                s.unicodeScalars.append(ch)
            }
            s += "\""
        }
        return s + "}"
    }
}

extension Array: SQLDecodable where Element: SQLDecodable {
    public init(sqlText: String) throws {
        var text = sqlText
        self = try text.withUTF8 { try Self(sqlBytes: UnsafeRawBufferPointer($0)) }
    }

    public init(sqlBytes: UnsafeRawBufferPointer) throws {
        var out: [Element] = []
        try PostgresArray.forEach(sqlBytes) { item in
            guard let item else { throw decodingError([Element].self, String(decoding: sqlBytes, as: UTF8.self)) }
            out.append(try Element(sqlBytes: item))
        }
        self = out
    }
}

enum PostgresArray {
    /// Calls `body` with each element's bytes (nil for NULL) of a one-dimensional array literal,
    /// `{a,"b c",NULL,"d\"e"}`.
    /// Unquoted elements are passed in place; quoted ones are unescaped into a scratch buffer.
    static func forEach(_ bytes: UnsafeRawBufferPointer, _ body: (UnsafeRawBufferPointer?) throws -> Void) throws {
        let open = UInt8(ascii: "{"), close = UInt8(ascii: "}"), comma = UInt8(ascii: ","), quote = UInt8(ascii: "\""),
            backslash = UInt8(ascii: "\\")
        guard bytes.count >= 2, bytes.first == open, bytes.last == close else {
            throw decodingError([String].self, String(decoding: bytes, as: UTF8.self))
        }
        let end = bytes.count - 1
        var i = 1
        if end == 1 { return }
        var scratch: [UInt8] = []
        while i < end {
            if bytes[i] == quote {
                scratch.removeAll(keepingCapacity: true)
                i += 1
                while i < end, bytes[i] != quote {
                    if bytes[i] == backslash { i += 1 }
                    if i < end { scratch.append(bytes[i]) }
                    i += 1
                }
                i += 1 // closing quote
                try scratch.withUnsafeBytes { try body($0) }
            } else {
                let start = i
                while i < end, bytes[i] != comma { i += 1 }
                let item = UnsafeRawBufferPointer(rebasing: bytes[start..<i])
                let isNull = item.count == 4 && item.elementsEqual("NULL".utf8)
                try body(isNull ? nil : item)
            }
            if i < end, bytes[i] == comma { i += 1 }
        }
    }
}

/// Fast, allocation-light timestamp text conversion (Foundation's formatters are slow on Linux).
enum PostgresTimestamp {
    static func format(_ date: Date) -> String {
        var seconds = Int64(date.timeIntervalSince1970.rounded(.down))
        var micros = Int64(((date.timeIntervalSince1970 - Double(seconds)) * 1_000_000).rounded())
        if micros >= 1_000_000 { seconds += 1; micros -= 1_000_000 }
        var t = time_t(seconds)
        var tm = tm()
        gmtime_r(&t, &tm)
        func pad(_ v: Int32, _ width: Int) -> String {
            let s = String(v)
            return String(repeating: "0", count: max(0, width - s.count)) + s
        }
        let us = String(micros)
        return "\(pad(tm.tm_year + 1900, 4))-\(pad(tm.tm_mon + 1, 2))-\(pad(tm.tm_mday, 2))T"
            + "\(pad(tm.tm_hour, 2)):\(pad(tm.tm_min, 2)):\(pad(tm.tm_sec, 2))."
            + String(repeating: "0", count: 6 - us.count) + us + "Z"
    }

    /// Parses `2026-11-25 06:02:20.123456+00` (also `T` separator, `Z`, `+05:30`, no fraction).
    static func parse(_ text: String) -> Date? {
        let u = Array(text.utf8)
        guard u.count >= 19 else { return nil }
        func num(_ from: Int, _ len: Int) -> Int? {
            guard from + len <= u.count else { return nil }
            var v = 0
            for i in from..<(from + len) {
                let c = u[i]
                guard c >= 48, c <= 57 else { return nil }
                v = v * 10 + Int(c - 48)
            }
            return v
        }
        guard let year = num(0, 4), let month = num(5, 2), let day = num(8, 2),
              let hour = num(11, 2), let minute = num(14, 2), let second = num(17, 2) else { return nil }
        var i = 19
        var fraction = 0.0
        if i < u.count, u[i] == UInt8(ascii: ".") {
            i += 1
            var scale = 0.1
            while i < u.count, u[i] >= 48, u[i] <= 57 { fraction += Double(u[i] - 48) * scale; scale /= 10; i += 1 }
        }
        var offset = 0
        if i < u.count {
            let sign = u[i]
            if sign == UInt8(ascii: "Z") {
                offset = 0
            } else if sign == UInt8(ascii: "+") || sign == UInt8(ascii: "-") {
                guard let oh = num(i + 1, 2) else { return nil }
                var om = 0
                if i + 3 < u.count { om = num(u[i + 3] == UInt8(ascii: ":") ? i + 4 : i + 3, 2) ?? 0 }
                offset = (oh * 3600 + om * 60) * (sign == UInt8(ascii: "-") ? -1 : 1)
            } else { return nil }
        }
        var tm = tm()
        tm.tm_year = Int32(year - 1900)
        tm.tm_mon = Int32(month - 1)
        tm.tm_mday = Int32(day)
        tm.tm_hour = Int32(hour)
        tm.tm_min = Int32(minute)
        tm.tm_sec = Int32(second)
        let epoch = timegm(&tm)
        return Date(timeIntervalSince1970: Double(Int(epoch) - offset) + fraction)
    }
}
