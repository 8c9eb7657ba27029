import Foundation
import RochCore
import RochStore

/// Why a history was not loaded; shown to the person as it is.
public struct HistorySeedRefused: Error, Sendable, CustomStringConvertible {
    public var description: String
}

/// `roch seed --history 5y`: a deterministic, realistic history (bookings in every state over five
/// years back and one ahead, payments with receipts, messages, vendors with dependencies) loaded
/// in one transaction with one multi-row INSERT per table and chunk (arrays bound as parameters
/// and unnested), so 150,000 rows load in seconds.
public enum HistorySeed {
    /// What was loaded: rows per table and how long it took.
    public struct Summary: Sendable, CustomStringConvertible {
        public var counts: [String: Int]
        public var seconds: Double
        public var description: String {
            let keys = ["bookings", "payment_milestones", "payments", "invoices", "notifications", "vendor_assignments",
                        "vendor_dependencies", "tasks", "portal_events"]
            return "history loaded in \(String(format: "%.1f", seconds)) s: "
                + keys.map { "\(counts[$0] ?? 0) \($0)" }.joined(separator: ", ")
        }
    }

    /// The rows a seed makes, without a database (the same as `load` writes, given the same
    /// coordinators' ids).
    public static func generate(shape: HistoryShape, seed: UInt64, today: CalendarDay, now: Date, coordinators: [Int64]) -> HistoryDataset {
        HistoryGenerator.generate(shape: shape, seed: seed, today: today, now: now, coordinators: coordinators)
    }

    /// Loads a history into a migrated database that holds no bookings, clients, vendors or
    /// messages yet (refused otherwise: a history is made with its own ids). The demo team is
    /// added when missing; its coordinators and admin coordinate the bookings.
    public static func load(into c: Connection, shape: HistoryShape = .fiveYears, seed: UInt64 = 1,
                            today: CalendarDay = IST.day(of: Date()), now: Date = Date()) throws -> Summary {
        let start = Date()
        let counts = try c.transaction { c -> [String: Int] in
            let existing = try c.query("""
                SELECT (SELECT count(*) FROM bookings) + (SELECT count(*) FROM clients) + (SELECT count(*) FROM vendors)
                       + (SELECT count(*) FROM notifications) AS n
                """).first!.decode("n", as: Int64.self)
            guard existing == 0 else {
                throw HistorySeedRefused(description: "roch seed --history needs a database without bookings, clients, vendors or "
                                         + "notifications (found \(existing) rows): migrate a fresh database and run it there")
            }
            for m in DemoData.team {
                try c.execute("INSERT INTO staff_users (email, name, phone, role) VALUES ($1, $2, $3, $4) ON CONFLICT (email) DO NOTHING",
                              m.email, m.name, m.phone, m.role)
            }
            let coordinators: [Int64] = try c.query("""
                SELECT id FROM staff_users WHERE active AND role IN ('owner', 'admin', 'coordinator') ORDER BY id
                """).map { try $0.decode("id") }
            let data = generate(shape: shape, seed: seed, today: today, now: now, coordinators: coordinators)
            try insert(c, data, shape: shape, today: today)
            return data.counts
        }
        try c.execute("ANALYZE")
        return Summary(counts: counts, seconds: Date().timeIntervalSince(start))
    }

    static func insert(_ c: Connection, _ d: HistoryDataset, shape: HistoryShape, today: CalendarDay) throws {
        try bulk(c, "clients (id, phone, name, email, whatsapp_consent, whatsapp_consent_at, created_at, updated_at)",
                 "bigint, text, text, text, boolean, timestamptz, timestamptz, timestamptz", d.clients) {
            [$0.id, $0.phone, $0.name, $0.email, $0.consent, $0.consent ? $0.createdAt : nil, $0.createdAt, $0.createdAt]
        }
        try bulk(c, """
            bookings (id, public_id, client_id, state, event_type, event_date, event_start_time, city, venue, guests, budget,
                      coordinator_id, created_at, updated_at)
            """, "bigint, text, bigint, text, text, date, time, text, text, integer, text, bigint, timestamptz, timestamptz", d.bookings) {
            [$0.id, $0.publicID, $0.clientID, $0.state.rawValue, $0.eventType, $0.eventDate.description, $0.startTime, $0.city,
             $0.venue, $0.guests, $0.budget, $0.coordinatorID, $0.createdAt, $0.updatedAt]
        }
        try bulk(c, "booking_transitions (id, booking_id, from_state, to_state, event, actor, note, at)",
                 "bigint, bigint, text, text, text, text, text, timestamptz", d.transitions) {
            [$0.id, $0.bookingID, $0.from?.rawValue, $0.to.rawValue, $0.event, $0.actor, "history", $0.at]
        }
        try bulk(c, "tasks (id, booking_id, title, assignee_role, assignee_id, due_at, done_at, created_at)",
                 "bigint, bigint, text, text, bigint, timestamptz, timestamptz, timestamptz", d.tasks) {
            [$0.id, $0.bookingID, $0.title, $0.role, $0.assigneeID, $0.dueAt, $0.doneAt, $0.createdAt]
        }
        try bulk(c, "portal_events (id, booking_id, kind, title, created_at)", "bigint, bigint, text, text, timestamptz", d.timeline) {
            [$0.id, $0.bookingID, $0.kind, $0.title, $0.createdAt]
        }
        try bulk(c, "proposals (id, booking_id, public_id, total_paise, summary, status, created_at, accepted_at)",
                 "bigint, bigint, text, bigint, text, text, timestamptz, timestamptz", d.proposals) {
            [$0.id, $0.bookingID, $0.publicID, $0.total.paise, "history", $0.status, $0.createdAt, $0.acceptedAt]
        }
        try bulk(c, """
            payment_milestones (id, public_id, proposal_id, booking_id, sequence, label, amount_paise, due_on, due_rule, status,
                                amount_paid_paise, amount_refunded_paise, note, flag, flagged_at, paid_at, created_at, updated_at)
            """, """
            bigint, text, bigint, bigint, integer, text, bigint, date, text, text, bigint, bigint, text, text, timestamptz,
            timestamptz, timestamptz, timestamptz
            """, d.milestones) {
            [$0.id, $0.publicID, $0.proposalID, $0.bookingID, $0.sequence, $0.label, $0.amount.paise, $0.dueOn.description, $0.dueRule,
             $0.status.rawValue, $0.paid.paise, $0.refunded.paise, $0.note, $0.flag, $0.flaggedAt, $0.paidAt, $0.createdAt,
             $0.paidAt ?? $0.createdAt]
        }
        try bulk(c, """
            payments (id, razorpay_payment_id, milestone_id, amount_paise, currency, status, method, error_code, error_description,
                      captured_at, counted_at, created_at, updated_at)
            """, """
            bigint, text, bigint, bigint, text, text, text, text, text, timestamptz, timestamptz, timestamptz, timestamptz
            """, d.payments) {
            [$0.id, $0.razorpayID, $0.milestoneID, $0.amount.paise, "INR", $0.status, $0.method, $0.errorCode, $0.errorDescription,
             $0.capturedAt, $0.capturedAt, $0.createdAt, $0.capturedAt ?? $0.createdAt]
        }
        try bulk(c, "refunds (id, razorpay_refund_id, razorpay_payment_id, amount_paise, currency, status, applied_at, created_at, updated_at)",
                 "bigint, text, text, bigint, text, text, timestamptz, timestamptz, timestamptz", d.refunds) {
            [$0.id, $0.razorpayID, $0.paymentRazorpayID, $0.amount.paise, "INR", "processed", $0.createdAt, $0.createdAt, $0.createdAt]
        }
        try bulk(c, """
            invoices (id, public_token, number, prefix, financial_year, sequence, booking_id, milestone_id, payment_id, amount_paise,
                      net_paise, tax_paise, gst_rate_bp, issued_on, issued_at)
            """, """
            bigint, text, text, text, text, integer, bigint, bigint, bigint, bigint, bigint, bigint, integer, date, timestamptz
            """, d.invoices) {
            [$0.id, $0.token, $0.number, "RE", $0.financialYear, $0.sequence, $0.bookingID, $0.milestoneID, $0.paymentID, $0.amount.paise,
             $0.net.paise, $0.tax.paise, Int(GST.standardRateBasisPoints), $0.issuedOn.description, $0.issuedAt]
        }
        try c.execute("""
            INSERT INTO invoice_counters (prefix, financial_year, last_sequence)
            SELECT prefix, financial_year, max(sequence) FROM invoices GROUP BY prefix, financial_year
            ON CONFLICT (prefix, financial_year) DO UPDATE SET last_sequence = EXCLUDED.last_sequence
            """)
        let firstDay = HistoryTime.at(today.adding(days: -365 * shape.yearsBack - 400), minutes: 10 * 60)
        try bulk(c, "vendors (id, name, category, phone, created_at, updated_at)", "bigint, text, text, text, timestamptz, timestamptz",
                 d.vendors) { [$0.id, $0.name, $0.category, $0.phone, firstDay, firstDay] }
        try bulk(c, """
            vendor_assignments (id, booking_id, vendor_id, role, status, milestone_date, milestone_text, amount_agreed, amount_paid,
                                payment_due_on, created_at, updated_at)
            """, "bigint, bigint, bigint, text, text, date, text, bigint, bigint, date, timestamptz, timestamptz", d.assignments) {
            [$0.id, $0.bookingID, $0.vendorID, $0.role, $0.status.rawValue, $0.milestoneDate.description, $0.milestoneText,
             $0.agreed.paise, $0.paid.paise, $0.paymentDueOn.description, $0.createdAt, $0.createdAt]
        }
        try bulk(c, "vendor_dependencies (dependent_assignment_id, required_assignment_id, booking_id, created_at)",
                 "bigint, bigint, bigint, timestamptz", d.dependencies) { [$0.dependent, $0.required, $0.bookingID, Date(timeIntervalSince1970: 0)] }
        try bulk(c, "vendor_payments (id, assignment_id, amount, paid_on, method, recorded_by, created_at)",
                 "bigint, bigint, bigint, date, text, text, timestamptz", d.vendorPayments) {
            [$0.id, $0.assignmentID, $0.amount.paise, $0.paidOn.description, $0.method, "history",
             HistoryTime.at($0.paidOn, minutes: 12 * 60)]
        }
        try bulk(c, """
            notifications (id, idempotency_key, moment, booking_id, recipient_role, recipient_name, channel, address, parameters,
                           status, due_at, attempts, next_attempt_at, provider_message_id, last_error, created_at, updated_at, sent_at)
            """, """
            bigint, text, text, bigint, text, text, text, text, jsonb, text, timestamptz, integer, timestamptz, text, text,
            timestamptz, timestamptz, timestamptz
            """, d.notifications) {
            [$0.id, $0.key, $0.moment.rawValue, $0.bookingID, $0.role.rawValue, $0.name, $0.channel, $0.address, $0.parameters,
             $0.status, $0.dueAt, $0.attempts, $0.dueAt, $0.providerMessageID, $0.lastError, $0.createdAt, $0.sentAt ?? $0.createdAt,
             $0.sentAt]
        }
        // Ids were given here: move each sequence past them so the application's inserts follow on.
        for table in ["clients", "bookings", "booking_transitions", "tasks", "portal_events", "proposals", "payment_milestones",
                      "payments", "refunds", "invoices", "vendors", "vendor_assignments", "vendor_payments", "notifications"] {
            try c.execute("SELECT setval(pg_get_serial_sequence('\(table)', 'id'), GREATEST((SELECT max(id) FROM \(table)), 1))")
        }
    }

    /// One `INSERT ... SELECT FROM unnest($1::t1[], ...)` per 20,000 rows: every column travels as
    /// one array parameter (text format), so a table of 100,000 rows is five round trips.
    static func bulk<T>(_ c: Connection, _ target: String, _ types: String, _ rows: [T], _ values: (T) -> [SQLEncodable?]) throws {
        let typeList = types.split(separator: ",").map { $0.trimmingCharacters(in: .whitespacesAndNewlines) }
        var start = 0
        while start < rows.count {
            let chunk = rows[start..<min(rows.count, start + 20_000)]
            var columns = Array(repeating: [String?](), count: typeList.count)
            for row in chunk {
                for (i, value) in values(row).enumerated() { columns[i].append(value?.sqlText) }
            }
            let placeholders = typeList.enumerated().map { "$\($0.offset + 1)::\($0.element)[]" }.joined(separator: ", ")
            try c.query("INSERT INTO \(target) SELECT * FROM unnest(\(placeholders))", columns.map { $0 as SQLEncodable? })
            start += 20_000
        }
    }
}
