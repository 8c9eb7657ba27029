import Foundation
import RochCore

/// A client as stored: one row per phone number (E.164).
public struct ClientRecord: Sendable, Equatable {
    public var id: Int64
    public var phone: String
    public var name: String
    public var email: String?
    public var whatsAppConsent: Bool
}

public enum ClientRepository {
    /// The client with this phone, or a new one made from what an enquiry typed. An existing client is
    /// returned as stored: an unauthenticated form cannot prove who typed a number, so it never changes a
    /// client's name, email or WhatsApp consent (the typed details stay on the booking for the team).
    public static func findOrCreate(_ c: Connection, phone: PhoneNumber, name: String, email: String?,
                                    whatsAppConsent: Bool) throws -> (client: ClientRecord, created: Bool) {
        let inserted = try c.query("""
            INSERT INTO clients (phone, name, email, whatsapp_consent, whatsapp_consent_at)
            VALUES ($1, $2, $3, $4, CASE WHEN $4 THEN now() END)
            ON CONFLICT (phone) DO NOTHING
            RETURNING id, phone, name, email, whatsapp_consent
            """, phone.e164, name, email, whatsAppConsent)
        if let row = inserted.first { return (try record(row), true) }
        // The number is a client's (ON CONFLICT waited for a concurrent insert to commit, so this sees it).
        guard let existing = try find(c, phone: phone.e164) else {
            throw PostgresError(kind: .other, message: "client \(phone.e164) neither inserted nor found")
        }
        return (existing, false)
    }

    public static func find(_ c: Connection, phone: String) throws -> ClientRecord? {
        try c.query("SELECT id, phone, name, email, whatsapp_consent FROM clients WHERE phone = $1", phone).first.map(record)
    }

    public static func find(_ c: Connection, id: Int64) throws -> ClientRecord? {
        try c.query("SELECT id, phone, name, email, whatsapp_consent FROM clients WHERE id = $1", id).first.map(record)
    }

    static func record(_ row: Row) throws -> ClientRecord {
        ClientRecord(id: try row.decode("id"), phone: try row.decode("phone"), name: try row.decode("name"),
                     email: try row.decode("email"), whatsAppConsent: try row.decode("whatsapp_consent"))
    }
}
