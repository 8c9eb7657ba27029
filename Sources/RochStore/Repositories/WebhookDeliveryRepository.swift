import Foundation

/// Every webhook delivery, kept with its raw body: the team's evidence and the deduplication.
public enum WebhookDeliveryRepository {
    /// Stores a delivery that will not be processed (bad or missing signature, duplicate, error).
    @discardableResult
    public static func record(_ c: Connection, provider: String, eventID: String?, event: String?, signatureOK: Bool,
                              body: [UInt8], remoteAddress: String?, outcome: String, duplicateOf: Int64? = nil) throws -> Int64 {
        try c.query("""
            INSERT INTO webhook_deliveries (provider, event_id, event, signature_ok, raw_body, remote_address, outcome, duplicate_of)
            VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING id
            """, provider, eventID, event, signatureOK, ByteA(body), remoteAddress, outcome, duplicateOf).first!.decode("id")
    }

    /// Claims the event for processing in the caller's transaction. Returns the new row's id, or
    /// nil when this event was already processed (a concurrent claim waits for the other
    /// transaction and then sees it: exactly one delivery of an event takes effect).
    public static func claim(_ c: Connection, provider: String, eventID: String, event: String, body: [UInt8],
                             remoteAddress: String?) throws -> Int64? {
        try c.query("""
            INSERT INTO webhook_deliveries (provider, event_id, event, signature_ok, raw_body, remote_address, processed_at, outcome)
            VALUES ($1, $2, $3, true, $4, $5, now(), 'processing')
            ON CONFLICT (provider, event_id) WHERE processed_at IS NOT NULL DO NOTHING
            RETURNING id
            """, provider, eventID, event, ByteA(body), remoteAddress).first?.decode("id", as: Int64.self)
    }

    /// The delivery that processed the event.
    public static func processed(_ c: Connection, provider: String, eventID: String) throws -> Int64? {
        try c.query("SELECT id FROM webhook_deliveries WHERE provider = $1 AND event_id = $2 AND processed_at IS NOT NULL",
                    provider, eventID).first?.decode("id", as: Int64.self)
    }

    public static func setOutcome(_ c: Connection, id: Int64, outcome: String) throws {
        try c.execute("UPDATE webhook_deliveries SET outcome = $2 WHERE id = $1", id, outcome)
    }
}

/// A receipt as stored (one per payment counted towards a milestone).
public struct InvoiceRecord: Sendable, Equatable {
    public var id: Int64
    public var publicToken: String
    public var number: String
    public var bookingID: Int64
    public var milestoneID: Int64
    public var paymentID: Int64
    public var amount: Int64
    public var net: Int64
    public var tax: Int64
    public var gstRateBP: Int64
    public var issuedOn: String
}

public enum InvoiceRepository {
    static let columns = """
        id, public_token, number, booking_id, milestone_id, payment_id, amount_paise, net_paise, tax_paise, gst_rate_bp, issued_on::text AS issued_on
        """

    /// The next number of `prefix` in `financialYear`. The counter row stays locked until the
    /// caller's transaction ends, so numbers are gap-free and in commit order.
    public static func nextSequence(_ c: Connection, prefix: String, financialYear: String) throws -> Int {
        try c.query("""
            INSERT INTO invoice_counters (prefix, financial_year, last_sequence) VALUES ($1, $2, 1)
            ON CONFLICT (prefix, financial_year) DO UPDATE SET last_sequence = invoice_counters.last_sequence + 1
            RETURNING last_sequence
            """, prefix, financialYear).first!.decode("last_sequence")
    }

    public static func insert(_ c: Connection, publicToken: String, number: String, prefix: String, financialYear: String, sequence: Int,
                              bookingID: Int64, milestoneID: Int64, paymentID: Int64, amount: Int64, net: Int64, tax: Int64,
                              gstRateBP: Int64, issuedOn: String) throws -> InvoiceRecord {
        try record(c.query("""
            INSERT INTO invoices (public_token, number, prefix, financial_year, sequence, booking_id, milestone_id, payment_id,
                                  amount_paise, net_paise, tax_paise, gst_rate_bp, issued_on)
            VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13::date) RETURNING \(columns)
            """, publicToken, number, prefix, financialYear, sequence, bookingID, milestoneID, paymentID, amount, net, tax,
            gstRateBP, issuedOn).first!)
    }

    public static func find(_ c: Connection, publicToken: String) throws -> InvoiceRecord? {
        try c.query("SELECT \(columns) FROM invoices WHERE public_token = $1", publicToken).first.map(record)
    }

    public static func forMilestone(_ c: Connection, milestoneID: Int64) throws -> [InvoiceRecord] {
        try c.query("SELECT \(columns) FROM invoices WHERE milestone_id = $1 ORDER BY id", milestoneID).map(record)
    }

    static func record(_ row: Row) throws -> InvoiceRecord {
        InvoiceRecord(id: try row.decode("id"), publicToken: try row.decode("public_token"), number: try row.decode("number"),
                      bookingID: try row.decode("booking_id"), milestoneID: try row.decode("milestone_id"),
                      paymentID: try row.decode("payment_id"), amount: try row.decode("amount_paise"), net: try row.decode("net_paise"),
                      tax: try row.decode("tax_paise"), gstRateBP: try row.decode("gst_rate_bp"), issuedOn: try row.decode("issued_on"))
    }
}
