import CLibPQ

/// A PostgreSQL failure, classified so callers can act on it (retry, 409, reconnect).
public struct PostgresError: Error, Sendable, CustomStringConvertible {
    public enum Kind: Sendable, Equatable {
        case uniqueViolation
        case foreignKeyViolation
        case checkViolation
        case notNullViolation
        case exclusionViolation
        /// 40001: retry the whole transaction.
        case serializationFailure
        /// 40P01: retry the whole transaction.
        case deadlockDetected
        case queryCanceled
        case undefinedTable
        case syntaxError
        /// The server could not be reached or the connection dropped: the pool discards it.
        case connectionLost
        case connectionFailed
        /// A value could not be decoded into the requested Swift type.
        case decoding
        case other
    }

    public var kind: Kind
    /// The five-character SQLSTATE, when the server sent one.
    public var sqlState: String?
    public var message: String
    public var detail: String?
    public var constraint: String?
    public var table: String?
    public var column: String?

    public init(kind: Kind, sqlState: String? = nil, message: String, detail: String? = nil,
                constraint: String? = nil, table: String? = nil, column: String? = nil) {
        self.kind = kind
        self.sqlState = sqlState
        self.message = message
        self.detail = detail
        self.constraint = constraint
        self.table = table
        self.column = column
    }

    /// True for failures where running the same transaction again may succeed.
    public var isRetryable: Bool { kind == .serializationFailure || kind == .deadlockDetected }

    public var description: String {
        var s = message
        if let sqlState { s = "\(s) (SQLSTATE \(sqlState))" }
        if let detail, !detail.isEmpty { s += ": \(detail)" }
        return s
    }

    static func kind(forSQLState state: String) -> Kind {
        switch state {
        case "23505": .uniqueViolation
        case "23503": .foreignKeyViolation
        case "23514": .checkViolation
        case "23502": .notNullViolation
        case "23P01": .exclusionViolation
        case "40001": .serializationFailure
        case "40P01": .deadlockDetected
        case "57014": .queryCanceled
        case "42P01": .undefinedTable
        case "42601": .syntaxError
        case _ where state.hasPrefix("08"), "57P01", "57P02", "57P03": .connectionLost
        default: .other
        }
    }

    /// Builds the error from a failed result (or the connection when there is no result).
    static func from(result: OpaquePointer?, connection: OpaquePointer?) -> PostgresError {
        func field(_ code: Int32) -> String? {
            guard let result, let p = PQresultErrorField(result, code) else { return nil }
            return String(cString: p)
        }
        let state = field(Int32(UInt8(ascii: "C")))
        var message = field(Int32(UInt8(ascii: "M")))
            ?? (result.flatMap { PQresultErrorMessage($0) }.map { String(cString: $0) })
            ?? (connection.flatMap { PQerrorMessage($0) }.map { String(cString: $0) })
            ?? "unknown PostgreSQL error"
        message = message.trimmingCharacters(in: .whitespacesAndNewlines)
        var kind = state.map(kind(forSQLState:)) ?? .other
        if state == nil, let connection, PQstatus(connection) != CONNECTION_OK { kind = .connectionLost }
        if message.isEmpty { message = "PostgreSQL error" }
        return PostgresError(kind: kind, sqlState: state, message: message,
                             detail: field(Int32(UInt8(ascii: "D"))),
                             constraint: field(Int32(UInt8(ascii: "n"))),
                             table: field(Int32(UInt8(ascii: "t"))),
                             column: field(Int32(UInt8(ascii: "c"))))
    }
}

import Foundation
