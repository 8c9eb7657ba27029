import CLibPQ
import Foundation

/// The rows of one statement. The libpq result is kept (and freed with the last copy of this value)
/// and columns are decoded from its buffers on demand: no per-value String is made up front, and
/// integers and arrays are read straight from the bytes.
public struct QueryResult: Sendable, Sequence {
    public let columns: [String]
    public let count: Int
    public let affectedRows: Int
    let storage: ResultStorage

    init(_ result: OpaquePointer) {
        storage = ResultStorage(result)
        columns = (0..<Int(PQnfields(result))).map { String(cString: PQfname(result, Int32($0))) }
        count = Int(PQntuples(result))
        affectedRows = Int(String(cString: PQcmdTuples(result))) ?? count
    }

    public var isEmpty: Bool { count == 0 }
    public var first: Row? { count == 0 ? nil : Row(result: self, index: 0) }
    public subscript(index: Int) -> Row { Row(result: self, index: index) }

    public func makeIterator() -> AnyIterator<Row> {
        var i = 0
        return AnyIterator {
            guard i < self.count else { return nil }
            defer { i += 1 }
            return Row(result: self, index: i)
        }
    }

    func columnIndex(_ name: String) -> Int? { columns.firstIndex(of: name) }

    /// The bytes of one value (nil for NULL), valid while this result is alive.
    func withValue<T>(row: Int, column: Int, _ body: (UnsafeRawBufferPointer?) throws -> T) rethrows -> T {
        try withExtendedLifetime(storage) {
            let raw = storage.raw
            if PQgetisnull(raw, Int32(row), Int32(column)) == 1 { return try body(nil) }
            let p = PQgetvalue(raw, Int32(row), Int32(column))
            return try body(UnsafeRawBufferPointer(start: p, count: Int(PQgetlength(raw, Int32(row), Int32(column)))))
        }
    }
}

/// Owns a libpq result. A PGresult is never changed after libpq hands it over, and reading it
/// (PQgetvalue, PQgetlength, PQgetisnull) is plain pointer arithmetic, so sharing it across
/// threads is safe.
final class ResultStorage: @unchecked Sendable {
    let raw: OpaquePointer
    init(_ raw: OpaquePointer) { self.raw = raw }
    deinit { PQclear(raw) }
}

/// One row; read columns by name with their Swift type: `let id: Int64 = try row.decode("id")`.
public struct Row: Sendable {
    let result: QueryResult
    let index: Int

    /// The raw text of a column (nil for NULL or an unknown column).
    public subscript(column: String) -> String? {
        guard let c = result.columnIndex(column) else { return nil }
        return result.withValue(row: index, column: c) { $0.map { String(decoding: $0, as: UTF8.self) } }
    }

    public func decode<T: SQLDecodable>(_ column: String, as type: T.Type = T.self) throws -> T {
        guard let c = result.columnIndex(column) else {
            throw PostgresError(kind: .decoding, message: "no column \(column.debugDescription) in result (\(result.columns.joined(separator: ", ")))")
        }
        return try result.withValue(row: index, column: c) { bytes in
            guard let bytes else {
                throw PostgresError(kind: .decoding, message: "column \(column.debugDescription) is NULL; decode it as an Optional")
            }
            return try T(sqlBytes: bytes)
        }
    }

    public func decode<T: SQLDecodable>(_ column: String, as type: T?.Type = T?.self) throws -> T? {
        guard let c = result.columnIndex(column) else {
            throw PostgresError(kind: .decoding, message: "no column \(column.debugDescription) in result")
        }
        return try result.withValue(row: index, column: c) { bytes in try bytes.map { try T(sqlBytes: $0) } }
    }
}
