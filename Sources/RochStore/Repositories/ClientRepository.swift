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
    /// Creates the client or updates the one with this phone (name, email, latest consent choice).
    public static func upsert(_ c: Connection, phone: PhoneNumber, name: String, email: String?,
                              whatsAppConsent: Bool) throws -> ClientRecord {
        let row = try c.query("""
            INSERT INTO clients (phone, name, email, whatsapp_consent, whatsapp_consent_at)
            VALUES ($1, $2, $3, $4, CASE WHEN $4 THEN now() END)
            ON CONFLICT (phone) DO UPDATE SET
                name = EXCLUDED.name,
                email = COALESCE(EXCLUDED.email, clients.email),
                whatsapp_consent = EXCLUDED.whatsapp_consent,
                whatsapp_consent_at = CASE
                    WHEN EXCLUDED.whatsapp_consent AND NOT clients.whatsapp_consent THEN now()
                    WHEN EXCLUDED.whatsapp_consent THEN clients.whatsapp_consent_at
                    END,
                updated_at = now()
            RETURNING id, phone, name, email, whatsapp_consent
            """, phone.e164, name, email, whatsAppConsent).first!
        return try record(row)
    }

    public static func find(_ c: Connection, id: Int64) throws -> ClientRecord? {
        try c.query("SELECT id, phone, name, email, whatsapp_consent FROM clients WHERE id = $1", id).first.map(record)
    }

    static func record(_ row: Row) throws -> ClientRecord {
        ClientRecord(id: try row.decode("id"), phone: try row.decode("phone"), name: try row.decode("name"),
                     email: try row.decode("email"), whatsAppConsent: try row.decode("whatsapp_consent"))
    }
}
