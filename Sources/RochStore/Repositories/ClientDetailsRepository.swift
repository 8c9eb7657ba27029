import Foundation
import RochCore

/// The mobile number belongs to another client (clients are one row per phone).
public struct ClientPhoneTaken: Error, Sendable, Equatable {
    public var otherClientName: String

    /// Said on the phone field.
    public var message: String {
        "This number belongs to another client, \(otherClientName). Open their booking instead, or check the number."
    }
}

/// Reads and changes a client's details (name, phone, email, WhatsApp consent, GSTIN), each change
/// with its audit row saying what it was before and after.
public enum ClientDetailsRepository {
    public static func details(_ c: Connection, clientID: Int64, lock: Bool = false) throws -> ClientDetails? {
        try c.query("""
            SELECT name, phone, email, whatsapp_consent, gstin FROM clients WHERE id = $1 \(lock ? "FOR UPDATE" : "")
            """, clientID).first.map { row in
            ClientDetails(name: try row.decode("name"), phone: try row.decode("phone"), email: try row.decode("email"),
                          whatsAppConsent: try row.decode("whatsapp_consent"), gstin: try row.decode("gstin"))
        }
    }

    /// Saves `new` over the client's details in the caller's transaction and audits the change as
    /// `action` (about booking `bookingPublicID`). Returns what changed (nothing written when nothing
    /// did). Throws `ClientPhoneTaken` when another client has the new phone.
    @discardableResult
    public static func update(_ c: Connection, clientID: Int64, to new: ClientDetails, action: String, actor: String,
                              bookingPublicID: String?, ip: String? = nil, userAgent: String? = nil) throws -> [ClientDetailChange] {
        guard let old = try details(c, clientID: clientID, lock: true) else {
            throw PostgresError(kind: .other, message: "client \(clientID) not found")
        }
        let changes = ClientDetailsForm.changes(from: old, to: new)
        if changes.isEmpty { return [] }
        if new.phone != old.phone, let other = try ClientRepository.find(c, phone: new.phone), other.id != clientID {
            throw ClientPhoneTaken(otherClientName: other.name)
        }
        do {
            try c.execute("""
                UPDATE clients SET name = $2, phone = $3, email = $4, whatsapp_consent = $5,
                       whatsapp_consent_at = CASE WHEN NOT $5 THEN NULL WHEN whatsapp_consent THEN whatsapp_consent_at ELSE now() END,
                       gstin = $6, updated_at = now()
                WHERE id = $1
                """, clientID, new.name, new.phone, new.email, new.whatsAppConsent, new.gstin)
        } catch let error as PostgresError where error.kind == .uniqueViolation {
            // another transaction gave the number to a client since the check above
            throw ClientPhoneTaken(otherClientName: (try? ClientRepository.find(c, phone: new.phone))??.name ?? "someone else")
        }
        var audit = ClientDetailsForm.auditDetails(changes)
        if let bookingPublicID { audit["booking"] = bookingPublicID }
        try AuditLogQueries.record(c, actor: actor, action: action, entity: "client", entityID: String(clientID),
                                   details: audit, ip: ip, userAgent: userAgent)
        return changes
    }
}
