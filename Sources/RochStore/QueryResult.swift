import CLibPQ
import Foundation

/// The rows of one statement, copied out of libpq's result so it can outlive the connection.
public struct QueryResult: Sendable, Sequence {
    public let columns: [String]
    /// Row-major values in text format; nil is SQL NULL.
    let values: [[String?]]
    public let affectedRows: Int

    init(_ result: OpaquePointer) {
        defer { PQclear(result) }
        let nFields = Int(PQnfields(result))
        let nRows = Int(PQntuples(result))
        columns = (0..<nFields).map { String(cString: PQfname(result, Int32($0))) }
        var rows: [[String?]] = []
        rows.reserveCapacity(nRows)
        for r in 0..<nRows {
            var row: [String?] = []
            row.reserveCapacity(nFields)
            for c in 0..<nFields {
                if PQgetisnull(result, Int32(r), Int32(c)) == 1 {
                    row.append(nil)
                } else {
                    let p = PQgetvalue(result, Int32(r), Int32(c))!
                    let n = Int(PQgetlength(result, Int32(r), Int32(c)))
                    row.append(String(decoding: UnsafeRawBufferPointer(start: p, count: n), as: UTF8.self))
                }
            }
            rows.append(row)
        }
        values = rows
        affectedRows = Int(String(cString: PQcmdTuples(result))) ?? nRows
    }

    public var count: Int { values.count }
    public var isEmpty: Bool { values.isEmpty }
    public var first: Row? { values.isEmpty ? nil : Row(result: self, index: 0) }
    public subscript(index: Int) -> Row { Row(result: self, index: index) }

    public func makeIterator() -> AnyIterator<Row> {
        var i = 0
        return AnyIterator {
            guard i < self.values.count else { return nil }
            defer { i += 1 }
            return Row(result: self, index: i)
        }
    }

    func columnIndex(_ name: String) -> Int? { columns.firstIndex(of: name) }
}

/// One row; read columns by name with their Swift type: `let id: Int64 = try row.decode("id")`.
public struct Row: Sendable {
    let result: QueryResult
    let index: Int

    /// The raw text of a column (nil for NULL or an unknown column).
    public subscript(column: String) -> String? {
        guard let c = result.columnIndex(column) else { return nil }
        return result.values[index][c]
    }

    public func decode<T: SQLDecodable>(_ column: String, as type: T.Type = T.self) throws -> T {
        guard let c = result.columnIndex(column) else {
            throw PostgresError(kind: .decoding, message: "no column \(column.debugDescription) in result (\(result.columns.joined(separator: ", ")))")
        }
        guard let text = result.values[index][c] else {
            throw PostgresError(kind: .decoding, message: "column \(column.debugDescription) is NULL; decode it as an Optional")
        }
        return try T(sqlText: text)
    }

    public func decode<T: SQLDecodable>(_ column: String, as type: T?.Type = T?.self) throws -> T? {
        guard let c = result.columnIndex(column) else {
            throw PostgresError(kind: .decoding, message: "no column \(column.debugDescription) in result")
        }
        return try result.values[index][c].map(T.init(sqlText:))
    }
}
