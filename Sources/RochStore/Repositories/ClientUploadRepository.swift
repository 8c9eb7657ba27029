import Foundation
import RochCore

/// A file a client uploaded on the portal, as recorded (the bytes are in the document store).
public struct ClientUploadRecord: Sendable, Equatable {
    public var id: Int64
    public var publicID: String
    public var bookingID: Int64
    public var clientID: Int64
    public var originalName: String
    public var contentType: String
    public var sizeBytes: Int64
    public var sha256: String
    public var storageKey: String
    public var uploadedAt: Date
    public var removedAt: Date?
    public var scanStatus: String
}

/// What storing an upload records (after the object is in the store and the scan, if any, passed).
public struct NewClientUpload: Sendable {
    public var publicID: String
    public var bookingID: Int64
    public var clientID: Int64
    public var originalName: String
    public var kind: ClientUploadRules.Kind
    public var sizeBytes: Int64
    public var sha256: String
    public var storageKey: String
    public var scanned: Bool

    public init(publicID: String, bookingID: Int64, clientID: Int64, originalName: String, kind: ClientUploadRules.Kind,
                sizeBytes: Int64, sha256: String, storageKey: String, scanned: Bool) {
        self.publicID = publicID; self.bookingID = bookingID; self.clientID = clientID; self.originalName = originalName
        self.kind = kind; self.sizeBytes = sizeBytes; self.sha256 = sha256; self.storageKey = storageKey; self.scanned = scanned
    }
}

public enum ClientUploadRepository {
    static let columns = """
        id, public_id, booking_id, client_id, original_name, content_type, size_bytes, sha256, storage_key, uploaded_at, removed_at, scan_status
        """

    public static func insert(_ c: Connection, _ u: NewClientUpload) throws -> ClientUploadRecord {
        try record(c.query("""
            INSERT INTO client_uploads (public_id, booking_id, client_id, original_name, content_type, size_bytes, sha256, storage_key, scan_status)
            VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) RETURNING \(columns)
            """, u.publicID, u.bookingID, u.clientID, u.originalName, u.kind.contentType, u.sizeBytes, u.sha256, u.storageKey,
            u.scanned ? "clean" : "not_scanned").first!)
    }

    /// What a booking's live uploads already take: bytes and files (the quota's input). Locks the
    /// booking row so two uploads at once cannot both squeeze under the quota.
    public static func usage(_ c: Connection, bookingID: Int64) throws -> (bytes: Int, files: Int) {
        _ = try c.query("SELECT id FROM bookings WHERE id = $1 FOR UPDATE", bookingID)
        let row = try c.query("""
            SELECT coalesce(sum(size_bytes), 0)::bigint AS bytes, count(*) AS files FROM client_uploads
            WHERE booking_id = $1 AND removed_at IS NULL
            """, bookingID).first!
        let bytes: Int64 = try row.decode("bytes"), files: Int64 = try row.decode("files")
        return (Int(bytes), Int(files))
    }

    /// A booking's live uploads, oldest first (the staff documents page).
    public static func forBooking(_ c: Connection, bookingID: Int64) throws -> [ClientUploadRecord] {
        try c.query("SELECT \(columns) FROM client_uploads WHERE booking_id = $1 AND removed_at IS NULL ORDER BY id", bookingID).map(record)
    }

    /// A client's live uploads, oldest first (the portal lists these and nothing else).
    public static func forClient(_ c: Connection, clientID: Int64) throws -> [ClientUploadRecord] {
        try c.query("SELECT \(columns) FROM client_uploads WHERE client_id = $1 AND removed_at IS NULL ORDER BY id", clientID).map(record)
    }

    /// One live upload by its public id, only when it belongs to `clientID` (another client's is nil,
    /// the same as one that does not exist).
    public static func find(_ c: Connection, publicID: String, clientID: Int64) throws -> ClientUploadRecord? {
        try c.query("SELECT \(columns) FROM client_uploads WHERE public_id = $1 AND client_id = $2 AND removed_at IS NULL",
                    publicID, clientID).first.map(record)
    }

    /// One live upload of a booking by its public id (staff downloads).
    public static func find(_ c: Connection, publicID: String, bookingID: Int64) throws -> ClientUploadRecord? {
        try c.query("SELECT \(columns) FROM client_uploads WHERE public_id = $1 AND booking_id = $2 AND removed_at IS NULL",
                    publicID, bookingID).first.map(record)
    }

    static func record(_ row: Row) throws -> ClientUploadRecord {
        ClientUploadRecord(id: try row.decode("id"), publicID: try row.decode("public_id"), bookingID: try row.decode("booking_id"),
                           clientID: try row.decode("client_id"), originalName: try row.decode("original_name"),
                           contentType: try row.decode("content_type"), sizeBytes: try row.decode("size_bytes"), sha256: try row.decode("sha256"),
                           storageKey: try row.decode("storage_key"), uploadedAt: try row.decode("uploaded_at"),
                           removedAt: try row.decode("removed_at"), scanStatus: try row.decode("scan_status"))
    }
}
