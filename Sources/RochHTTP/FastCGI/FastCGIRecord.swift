import NIOCore

/// One FastCGI 1.0 record (header + content; padding is dropped on decode and added on encode).
public struct FastCGIRecord: Sendable, Equatable {
    public enum RecordType: UInt8, Sendable {
        case beginRequest = 1, abortRequest, endRequest, params, stdin, stdout, stderr, data, getValues, getValuesResult, unknownType
    }

    public static let version: UInt8 = 1
    public static let maxContentLength = 65535

    /// The raw type byte (unknown types are kept so we can answer UNKNOWN_TYPE).
    public var typeByte: UInt8
    public var requestId: UInt16
    public var content: [UInt8]

    public var type: RecordType? { RecordType(rawValue: typeByte) }

    public init(type: RecordType, requestId: UInt16, content: [UInt8] = []) {
        self.init(typeByte: type.rawValue, requestId: requestId, content: content)
    }

    public init(typeByte: UInt8, requestId: UInt16, content: [UInt8] = []) {
        self.typeByte = typeByte
        self.requestId = requestId
        self.content = content
    }

    /// Header + content + padding to a multiple of 8. Content must fit one record.
    public func encoded() -> [UInt8] {
        precondition(content.count <= FastCGIRecord.maxContentLength)
        let padding = (8 - content.count % 8) % 8
        var out: [UInt8] = [FastCGIRecord.version, typeByte, UInt8(requestId >> 8), UInt8(requestId & 0xff),
                            UInt8(content.count >> 8), UInt8(content.count & 0xff), UInt8(padding), 0]
        out.reserveCapacity(8 + content.count + padding)
        out += content
        out += [UInt8](repeating: 0, count: padding)
        return out
    }

    /// Splits a stream (STDOUT/STDERR) into records of at most 65535 bytes. Empty input gives no records;
    /// the empty record that ends a stream is `streamEnd`.
    public static func stream(_ type: RecordType, requestId: UInt16, _ bytes: [UInt8]) -> [UInt8] {
        var buffer = ByteBufferAllocator().buffer(capacity: framedSize(bytes.count))
        buffer.writeFastCGIStream(type, requestId: requestId, bytes)
        return Array(buffer.readableBytesView)
    }

    public static func streamEnd(_ type: RecordType, requestId: UInt16) -> [UInt8] {
        FastCGIRecord(type: type, requestId: requestId).encoded()
    }

    public enum ProtocolStatus: UInt8, Sendable { case requestComplete = 0, cantMultiplex, overloaded, unknownRole }

    public static func endRequest(requestId: UInt16, appStatus: UInt32 = 0, _ status: ProtocolStatus = .requestComplete) -> FastCGIRecord {
        FastCGIRecord(type: .endRequest, requestId: requestId,
                      content: [UInt8(appStatus >> 24), UInt8(appStatus >> 16 & 0xff), UInt8(appStatus >> 8 & 0xff), UInt8(appStatus & 0xff),
                                status.rawValue, 0, 0, 0])
    }

    public static func unknownType(_ type: UInt8) -> FastCGIRecord {
        FastCGIRecord(type: .unknownType, requestId: 0, content: [type, 0, 0, 0, 0, 0, 0, 0])
    }

    public static func beginRequest(requestId: UInt16, role: UInt16 = 1, keepConnection: Bool) -> FastCGIRecord {
        FastCGIRecord(type: .beginRequest, requestId: requestId,
                      content: [UInt8(role >> 8), UInt8(role & 0xff), keepConnection ? 1 : 0, 0, 0, 0, 0, 0])
    }
}

/// Why a connection is closed: the peer broke the protocol.
public struct FastCGIProtocolError: Error, Equatable, CustomStringConvertible {
    public let reason: String
    public init(_ reason: String) { self.reason = reason }
    public var description: String { "FastCGI protocol error: \(reason)" }
}

/// Pure record parsing from a byte buffer. Returns nil when more bytes are needed.
public enum FastCGIRecordParser {
    /// Parses one record at the start of `bytes`; returns it and the number of bytes consumed.
    public static func parse<C: RandomAccessCollection>(_ bytes: C) throws -> (FastCGIRecord, Int)? where C.Element == UInt8, C.Index == Int {
        guard bytes.count >= 8 else { return nil }
        let s = bytes.startIndex
        guard bytes[s] == FastCGIRecord.version else { throw FastCGIProtocolError("version \(bytes[s]), expected 1") }
        let length = Int(bytes[s + 4]) << 8 | Int(bytes[s + 5])
        let padding = Int(bytes[s + 6])
        let total = 8 + length + padding
        guard bytes.count >= total else { return nil }
        let record = FastCGIRecord(typeByte: bytes[s + 1], requestId: UInt16(bytes[s + 2]) << 8 | UInt16(bytes[s + 3]),
                                   content: Array(bytes[(s + 8)..<(s + 8 + length)]))
        return (record, total)
    }

    /// Every complete record in `bytes`, plus the count of bytes left over (an incomplete tail).
    public static func parseAll(_ bytes: [UInt8]) throws -> (records: [FastCGIRecord], remainder: Int) {
        var records: [FastCGIRecord] = []
        var offset = 0
        while let (r, used) = try parse(bytes[offset...]) {
            records.append(r)
            offset += used
        }
        return (records, bytes.count - offset)
    }
}

/// FastCGI name-value pairs (PARAMS, GET_VALUES): 1-byte lengths below 128, else 4 bytes with the top bit set.
public enum FastCGINameValue {
    public static func encode(_ pairs: [(String, String)]) -> [UInt8] {
        var out: [UInt8] = []
        func length(_ n: Int) {
            if n < 128 { out.append(UInt8(n)) } else {
                out += [UInt8(n >> 24 & 0x7f) | 0x80, UInt8(n >> 16 & 0xff), UInt8(n >> 8 & 0xff), UInt8(n & 0xff)]
            }
        }
        for (n, v) in pairs {
            length(n.utf8.count); length(v.utf8.count)
            out += Array(n.utf8); out += Array(v.utf8)
        }
        return out
    }

    /// Decodes every pair; a length running past the end is a protocol error.
    public static func decode(_ bytes: [UInt8]) throws -> [([UInt8], [UInt8])] {
        var pairs: [([UInt8], [UInt8])] = []
        var i = 0
        func length() throws -> Int {
            guard i < bytes.count else { throw FastCGIProtocolError("truncated name-value length") }
            if bytes[i] & 0x80 == 0 { defer { i += 1 }; return Int(bytes[i]) }
            guard i + 4 <= bytes.count else { throw FastCGIProtocolError("truncated name-value length") }
            let n = Int(bytes[i] & 0x7f) << 24 | Int(bytes[i + 1]) << 16 | Int(bytes[i + 2]) << 8 | Int(bytes[i + 3])
            i += 4
            return n
        }
        while i < bytes.count {
            let nl = try length(), vl = try length()
            guard nl <= bytes.count - i, vl <= bytes.count - i - nl else { throw FastCGIProtocolError("name-value length beyond the data") }
            pairs.append((Array(bytes[i..<(i + nl)]), Array(bytes[(i + nl)..<(i + nl + vl)])))
            i += nl + vl
        }
        return pairs
    }
}
