import Foundation

/// India's DPDP Act for one client: everything held about them (export) and the anonymisation of
/// their personal data (erase). What tax law requires is kept on erase: payments, invoices and the
/// issued documents (with the booking they belong to), identified only by the booking's public id.
public enum ClientPrivacy {
    /// The client with this phone number (E.164), if any.
    public static func clientID(_ c: Connection, phone: String) throws -> Int64? {
        try c.query("SELECT id FROM clients WHERE phone = $1", phone).first?.decode("id")
    }

    /// Everything held about the client, as one JSON document: their record, bookings with proposals,
    /// payment milestones, links, payments, refunds, invoices, timeline, messages sent to them (with
    /// each status change), messages they sent us, portal sign-ins and the documents issued to them.
    /// Secrets (portal token hashes) are left out.
    public static func export(_ c: Connection, clientID: Int64) throws -> String {
        try c.query("""
            WITH b AS (SELECT id FROM bookings WHERE client_id = $1)
            SELECT jsonb_pretty(jsonb_build_object(
                'exported_at', now(),
                'client', (SELECT to_jsonb(x) FROM clients x WHERE x.id = $1),
                'bookings', (SELECT coalesce(jsonb_agg(to_jsonb(x) ORDER BY x.id), '[]') FROM bookings x WHERE x.client_id = $1),
                'booking_transitions', (SELECT coalesce(jsonb_agg(to_jsonb(x) ORDER BY x.id), '[]') FROM booking_transitions x WHERE x.booking_id IN (SELECT id FROM b)),
                'proposals', (SELECT coalesce(jsonb_agg(to_jsonb(x) ORDER BY x.id), '[]') FROM proposals x WHERE x.booking_id IN (SELECT id FROM b)),
                'payment_milestones', (SELECT coalesce(jsonb_agg(to_jsonb(x) ORDER BY x.id), '[]') FROM payment_milestones x WHERE x.booking_id IN (SELECT id FROM b)),
                'payment_links', (SELECT coalesce(jsonb_agg(to_jsonb(x) ORDER BY x.id), '[]') FROM payment_links x
                                  WHERE x.milestone_id IN (SELECT id FROM payment_milestones WHERE booking_id IN (SELECT id FROM b))),
                'payments', (SELECT coalesce(jsonb_agg(to_jsonb(x) ORDER BY x.id), '[]') FROM payments x
                             WHERE x.milestone_id IN (SELECT id FROM payment_milestones WHERE booking_id IN (SELECT id FROM b))),
                'refunds', (SELECT coalesce(jsonb_agg(to_jsonb(x) ORDER BY x.id), '[]') FROM refunds x
                            WHERE x.razorpay_payment_id IN (SELECT p.razorpay_payment_id FROM payments p JOIN payment_milestones m ON m.id = p.milestone_id
                                                            WHERE m.booking_id IN (SELECT id FROM b))),
                'invoices', (SELECT coalesce(jsonb_agg(to_jsonb(x) - 'public_token' ORDER BY x.id), '[]') FROM invoices x WHERE x.booking_id IN (SELECT id FROM b)),
                'timeline', (SELECT coalesce(jsonb_agg(to_jsonb(x) ORDER BY x.id), '[]') FROM portal_events x WHERE x.booking_id IN (SELECT id FROM b)),
                'messages_sent', (SELECT coalesce(jsonb_agg(to_jsonb(x) || jsonb_build_object('history',
                                     (SELECT coalesce(jsonb_agg(to_jsonb(e) ORDER BY e.id), '[]') FROM notification_events e WHERE e.notification_id = x.id))
                                   ORDER BY x.id), '[]') FROM notifications x
                                  WHERE x.recipient_role = 'client' AND (x.booking_id IN (SELECT id FROM b)
                                        OR x.address IN (SELECT phone FROM clients WHERE id = $1 UNION SELECT email FROM clients WHERE id = $1))),
                'messages_received', (SELECT coalesce(jsonb_agg(to_jsonb(x) ORDER BY x.id), '[]') FROM inbound_messages x WHERE x.client_id = $1),
                'portal_sign_ins', (SELECT coalesce(jsonb_agg(jsonb_build_object('created_at', x.created_at, 'expires_at', x.expires_at) ORDER BY x.id), '[]')
                                    FROM portal_sessions x WHERE x.client_id = $1),
                'documents', (SELECT coalesce(jsonb_agg(to_jsonb(x) - 'storage_key' ORDER BY x.id), '[]') FROM documents x WHERE x.client_id = $1)
            )) AS export
            """, clientID).first!.decode("export")
    }

    /// What an erasure changed.
    public struct Erasure: Sendable, Equatable {
        public var bookings = 0
        public var messagesAnonymised = 0
        public var messagesCancelled = 0
        public var messagesReceived = 0
        public var portalAccessRemoved = 0
        /// Kept as tax law requires.
        public var paymentsKept = 0
        public var invoicesKept = 0
        public var documentsKept = 0
    }

    /// Bookings still being planned: erasing their client would leave a live event without a contact.
    public static func activeBookings(_ c: Connection, clientID: Int64) throws -> [String] {
        try c.query("""
            SELECT public_id FROM bookings WHERE client_id = $1 AND state NOT IN ('completed', 'cancelled') ORDER BY id
            """, clientID).map { try $0.decode("public_id") }
    }

    /// Anonymises the client's personal data in place (call inside a transaction): name, phone (a
    /// placeholder in the unassigned +999 range, unique per client), email, consent, the contact
    /// details and notes of their bookings, the addresses and texts of messages to and from them;
    /// deletes their portal links and sessions and cancels messages not yet sent.
    public static func erase(_ c: Connection, clientID: Int64) throws -> Erasure {
        var e = Erasure()
        try c.execute("""
            UPDATE clients SET name = 'Erased client', phone = '+999' || lpad(id::text, 11, '0'), email = NULL,
                   whatsapp_consent = false, whatsapp_consent_at = NULL, updated_at = now()
            WHERE id = $1
            """, clientID)
        e.bookings = try c.execute("""
            UPDATE bookings SET notes = NULL, venue = NULL, submitted_name = NULL, submitted_email = NULL, source_ip = NULL, updated_at = now()
            WHERE client_id = $1
            """, clientID)
        e.messagesCancelled = try c.execute("""
            UPDATE notifications SET status = 'cancelled', last_error = 'client data erased', updated_at = now()
            WHERE recipient_role = 'client' AND status IN ('queued', 'held')
              AND booking_id IN (SELECT id FROM bookings WHERE client_id = $1)
            """, clientID)
        e.messagesAnonymised = try c.execute("""
            UPDATE notifications SET recipient_name = NULL, address = NULL, parameters = '{}', updated_at = now()
            WHERE booking_id IN (SELECT id FROM bookings WHERE client_id = $1)
            """, clientID)
        e.messagesReceived = try c.execute("""
            UPDATE inbound_messages SET body = '[erased]', profile_name = NULL, from_phone = (SELECT phone FROM clients WHERE id = $1)
            WHERE client_id = $1
            """, clientID)
        e.portalAccessRemoved = try c.execute("DELETE FROM portal_sessions WHERE client_id = $1", clientID)
            + (try c.execute("DELETE FROM portal_tokens WHERE client_id = $1", clientID))
        let kept = try c.query("""
            SELECT (SELECT count(*) FROM payments p JOIN payment_milestones m ON m.id = p.milestone_id JOIN bookings b ON b.id = m.booking_id
                    WHERE b.client_id = $1) AS payments,
                   (SELECT count(*) FROM invoices i JOIN bookings b ON b.id = i.booking_id WHERE b.client_id = $1) AS invoices,
                   (SELECT count(*) FROM documents WHERE client_id = $1) AS documents
            """, clientID).first!
        e.paymentsKept = Int(try kept.decode("payments", as: Int64.self))
        e.invoicesKept = Int(try kept.decode("invoices", as: Int64.self))
        e.documentsKept = Int(try kept.decode("documents", as: Int64.self))
        return e
    }
}
