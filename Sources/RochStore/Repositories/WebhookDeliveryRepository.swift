import Foundation

/// Every webhook delivery: verified ones with their raw body (the team's evidence and the
/// deduplication), rejected ones as a digest and a short prefix, at most a few per source.
public enum WebhookDeliveryRepository {
    /// How many bytes of a rejected body are kept (the rest is described by its digest and length).
    public static let rejectedPrefixBytes = 512

    /// Stores a verified delivery that will not be processed (duplicate, error), with its whole body.
    @discardableResult
    public static func record(_ c: Connection, provider: String, eventID: String?, event: String?, signatureOK: Bool,
                              body: [UInt8], remoteAddress: String?, outcome: String, duplicateOf: Int64? = nil) throws -> Int64 {
        try c.query("""
            INSERT INTO webhook_deliveries (provider, event_id, event, signature_ok, raw_body, body_sha256, body_length,
                                            remote_address, outcome, duplicate_of)
            VALUES ($1, $2, $3, $4, $5, sha256($5), length($5), $6, $7, $8) RETURNING id
            """, provider, eventID, event, signatureOK, ByteA(body), remoteAddress, outcome, duplicateOf).first!.decode("id")
    }

    /// A delivery that failed verification: what is kept of it and where it came from.
    public struct Rejected: Sendable {
        public var provider: String
        /// As the sender claimed it (unverified), cut to 100 characters by the caller.
        public var eventID: String?
        public var bodySHA256: [UInt8]
        public var bodyLength: Int
        /// The first `rejectedPrefixBytes` of the body at most.
        public var bodyPrefix: [UInt8]
        public var remoteAddress: String?
        /// What the limit counts by: the IPv4 address or the IPv6 /64 (empty when unknown).
        public var source: String
        public var outcome: String

        public init(provider: String, eventID: String?, bodySHA256: [UInt8], bodyLength: Int, bodyPrefix: [UInt8],
                    remoteAddress: String?, source: String, outcome: String) {
            self.provider = provider
            self.eventID = eventID
            self.bodySHA256 = bodySHA256
            self.bodyLength = bodyLength
            self.bodyPrefix = Array(bodyPrefix.prefix(WebhookDeliveryRepository.rejectedPrefixBytes))
            self.remoteAddress = remoteAddress
            self.source = source
            self.outcome = outcome
        }
    }

    /// Counts a rejected delivery for its source's current window and stores it only while the
    /// window holds at most `limit` of them. Returns true when it was stored.
    @discardableResult
    public static func recordRejected(_ c: Connection, _ r: Rejected, limit: RateLimiter.Limit) throws -> Bool {
        // One statement: the counter and the row go together, and concurrent rejections from one
        // source each get their own count.
        try c.query("""
            WITH counted AS (
                INSERT INTO webhook_rejections (provider, source, window_start, received)
                VALUES ($1, $2, to_timestamp(floor(extract(epoch FROM now()) / $3) * $3), 1)
                ON CONFLICT (provider, source, window_start) DO UPDATE SET received = webhook_rejections.received + 1
                RETURNING received
            )
            INSERT INTO webhook_deliveries (provider, event_id, signature_ok, raw_body, body_sha256, body_length, remote_address, outcome)
            SELECT $1, $5, false, $6, $7, $8, $9, $10 FROM counted WHERE received <= $4
            RETURNING id
            """, r.provider, r.source, limit.windowSeconds, limit.hits, r.eventID, ByteA(r.bodyPrefix), ByteA(r.bodySHA256),
            r.bodyLength, r.remoteAddress, r.outcome).first != nil
    }

    /// What one pruning pass deleted.
    public struct Pruned: Sendable, Equatable {
        public var accepted = 0
        public var rejected = 0
        public var rejectionCounters = 0
        public init() {}
    }

    /// Deletes verified deliveries received more than `acceptedDays` ago, rejected ones (and their
    /// counters) older than `rejectedDays`, in batches so no statement holds many locks for long.
    /// A verified delivery is its event's proof of processing, so callers keep `acceptedDays`
    /// well beyond the providers' retry windows (Razorpay retries for 24 hours).
    @discardableResult
    public static func prune(_ c: Connection, acceptedDays: Int, rejectedDays: Int, batch: Int = 5_000) throws -> Pruned {
        var pruned = Pruned()
        func deleteAll(_ signatureOK: Bool, _ days: Int) throws -> Int {
            var total = 0
            while true {
                let n = try c.execute("""
                    DELETE FROM webhook_deliveries WHERE id IN (
                        SELECT id FROM webhook_deliveries
                        WHERE signature_ok = $1 AND received_at < now() - make_interval(days => $2)
                        ORDER BY received_at LIMIT $3)
                    """, signatureOK, days, batch)
                total += n
                if n < batch { return total }
            }
        }
        pruned.rejected = try deleteAll(false, rejectedDays)
        pruned.accepted = try deleteAll(true, acceptedDays)
        pruned.rejectionCounters = try c.execute("""
            DELETE FROM webhook_rejections WHERE window_start < now() - make_interval(days => $1)
            """, rejectedDays)
        return pruned
    }

    /// Claims the event for processing in the caller's transaction. Returns the new row's id, or
    /// nil when this event was already processed (a concurrent claim waits for the other
    /// transaction and then sees it: exactly one delivery of an event takes effect).
    public static func claim(_ c: Connection, provider: String, eventID: String, event: String, body: [UInt8],
                             remoteAddress: String?) throws -> Int64? {
        try c.query("""
            INSERT INTO webhook_deliveries (provider, event_id, event, signature_ok, raw_body, body_sha256, body_length,
                                            remote_address, processed_at, outcome)
            VALUES ($1, $2, $3, true, $4, sha256($4), length($4), $5, now(), 'processing')
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
