import Foundation
import RochApp
import RochCore
import RochStore
import RochTestSupport
import Testing

/// `roch seed --history 5y` at a twentieth of its size: the same seed gives the same database,
/// every state is there, and the history keeps the invariants the real application keeps.
@Suite struct HistorySeedTests {
    let today = CalendarDay("2026-12-04")!
    let now = IST.instant(CalendarDay("2026-12-04")!, TimeOfDay(hour: 10, minute: 0)!)
    let shape = HistoryShape.fiveYears.scaled(0.05)

    func loaded(seed: UInt64) throws -> Connection {
        let c = try Connection(url: try TestDatabase.makeMigrated())
        _ = try HistorySeed.load(into: c, shape: shape, seed: seed, today: today, now: now)
        return c
    }

    /// A digest of every row of the tables the history writes.
    func digest(_ c: Connection) throws -> [String] {
        try ["clients", "bookings", "booking_transitions", "tasks", "portal_events", "proposals", "payment_milestones", "payments",
             "refunds", "invoices", "vendors", "vendor_assignments", "vendor_dependencies", "vendor_payments", "notifications"].map { t in
            let order = t == "vendor_dependencies" ? "dependent_assignment_id, required_assignment_id" : "id"
            return try c.query("SELECT md5(string_agg(x::text, '|' ORDER BY \(order))) AS d FROM \(t) x").first!.decode("d") ?? "empty"
        }
    }

    @Test func theSameSeedLoadsTheSameRowsAndAnotherSeedOthers() throws {
        let a = try loaded(seed: 42), b = try loaded(seed: 42), other = try loaded(seed: 43)
        let (da, db) = (try digest(a), try digest(b))
        for i in da.indices { #expect(da[i] == db[i], "table \(i) differs") }
        #expect(try digest(a) != digest(other))
        #expect(HistorySeed.generate(shape: shape, seed: 42, today: today, now: now, coordinators: [1, 2])
                == HistorySeed.generate(shape: shape, seed: 42, today: today, now: now, coordinators: [1, 2]))
    }

    @Test func aHistoryHasTheContractsProportionsAndEveryState() throws {
        let c = try loaded(seed: 1)
        let counts = try c.query("""
            SELECT (SELECT count(*) FROM bookings) AS bookings, (SELECT count(*) FROM payments) AS payments,
                   (SELECT count(*) FROM notifications) AS notifications, (SELECT count(*) FROM vendor_assignments) AS assignments,
                   (SELECT min(event_date) FROM bookings)::text AS first, (SELECT max(event_date) FROM bookings)::text AS last
            """).first!
        #expect(try counts.decode("bookings") as Int64 == 100)
        #expect(try counts.decode("payments") as Int64 == 1_000)
        #expect(try counts.decode("notifications") as Int64 == 5_000)
        let assignments: Int64 = try counts.decode("assignments")
        #expect((350...650).contains(assignments), "about 500 assignments, got \(assignments)")
        let first = try #require(CalendarDay(try counts.decode("first") as String))
        let last = try #require(CalendarDay(try counts.decode("last") as String))
        #expect(first >= today.adding(days: -365 * 5) && last <= today.adding(days: 365))
        #expect(first < today.adding(days: -365 * 3) && last > today, "spread over the years back and the year ahead")

        let states = Set(try c.query("SELECT DISTINCT state FROM bookings").map { try $0.decode("state") as String })
        #expect(states == Set(BookingState.allCases.map(\.rawValue)))
        let statuses = Set(try c.query("SELECT DISTINCT status FROM notifications").map { try $0.decode("status") as String })
        #expect(statuses.isSuperset(of: ["queued", "sent", "delivered", "read", "failed", "skipped"]))
        let failedWithoutText: Int64 = try c.query("""
            SELECT count(*) AS n FROM notifications WHERE status IN ('failed', 'skipped') AND last_error IS NULL
            """).first!.decode("n")
        #expect(failedWithoutText == 0)
        let metaText: Int64 = try c.query("""
            SELECT count(*) AS n FROM notifications WHERE status = 'failed' AND channel = 'whatsapp' AND last_error LIKE 'WhatsApp 13%'
            """).first!.decode("n")
        #expect(metaText > 0)
        let channels = Set(try c.query("SELECT DISTINCT channel FROM notifications").map { try $0.decode("channel") as String })
        #expect(channels == ["whatsapp", "email"])
    }

    @Test func milestonesAddUpToTheirProposalAndReceiptsAreGapFreePerFinancialYear() throws {
        let c = try loaded(seed: 1)
        let mismatched: Int64 = try c.query("""
            SELECT count(*) AS n FROM proposals p
            WHERE p.total_paise <> (SELECT sum(amount_paise) FROM payment_milestones m WHERE m.proposal_id = p.id)
            """).first!.decode("n")
        #expect(mismatched == 0)
        let paidWrong: Int64 = try c.query("""
            SELECT count(*) AS n FROM payment_milestones m
            WHERE m.amount_paid_paise <> COALESCE((SELECT sum(amount_paise) FROM payments p
                                                   WHERE p.milestone_id = m.id AND p.status IN ('captured', 'refunded')), 0)
               OR (m.status = 'paid') <> (m.amount_paid_paise >= m.amount_paise AND m.amount_refunded_paise = 0)
            """).first!.decode("n")
        #expect(paidWrong == 0)
        let gaps = try c.query("""
            SELECT financial_year, count(*) AS n, min(sequence) AS lo, max(sequence) AS hi,
                   bool_and(number = 'RE/' || financial_year || '/' || lpad(sequence::text, 4, '0')) AS formatted,
                   (SELECT last_sequence FROM invoice_counters k WHERE k.prefix = 'RE' AND k.financial_year = i.financial_year) AS counter
            FROM invoices i GROUP BY financial_year ORDER BY financial_year
            """)
        #expect(gaps.count >= 5, "receipts in every financial year of the history")
        for row in gaps {
            let n: Int64 = try row.decode("n"), lo: Int64 = try row.decode("lo"), hi: Int64 = try row.decode("hi")
            let counter: Int64 = try row.decode("counter"), formatted: Bool = try row.decode("formatted")
            #expect(lo == 1 && hi == n && counter == n && formatted)
        }
        let wrongYear: Int64 = try c.query("""
            SELECT count(*) AS n FROM invoices
            WHERE financial_year <> (CASE WHEN extract(month FROM issued_on) >= 4 THEN extract(year FROM issued_on)::int
                                          ELSE extract(year FROM issued_on)::int - 1 END)::text
                                     || '-' || lpad(((CASE WHEN extract(month FROM issued_on) >= 4 THEN extract(year FROM issued_on)::int
                                          ELSE extract(year FROM issued_on)::int - 1 END + 1) % 100)::text, 2, '0')
            """).first!.decode("n")
        #expect(wrongYear == 0)
        let inOrder: Bool = try c.query("""
            SELECT bool_and(ok) AS ok FROM (
                SELECT issued_at >= lag(issued_at) OVER (PARTITION BY financial_year ORDER BY sequence) IS NOT false AS ok FROM invoices) s
            """).first!.decode("ok")
        #expect(inOrder, "numbers follow the order the money came in")
    }

    @Test func vendorGraphsAreAcyclicWithinTheirBookingAndPayablesMatchPayments() throws {
        let c = try loaded(seed: 1)
        // The database's own loop check ran on load; ask again from every edge.
        let loops: Int64 = try c.query("""
            WITH RECURSIVE up(start, node) AS (
                SELECT dependent_assignment_id, required_assignment_id FROM vendor_dependencies
                UNION
                SELECT up.start, d.required_assignment_id FROM up JOIN vendor_dependencies d ON d.dependent_assignment_id = up.node
            )
            SELECT count(*) AS n FROM up WHERE start = node
            """).first!.decode("n")
        #expect(loops == 0)
        let edges: Int64 = try c.query("SELECT count(*) AS n FROM vendor_dependencies").first!.decode("n")
        #expect(edges > 0)
        let unpaidMismatch: Int64 = try c.query("""
            SELECT count(*) AS n FROM vendor_assignments a
            WHERE a.amount_paid <> COALESCE((SELECT sum(amount) FROM vendor_payments p WHERE p.assignment_id = a.id), 0)
            """).first!.decode("n")
        #expect(unpaidMismatch == 0)
        let onlyConfirmed: Int64 = try c.query("""
            SELECT count(*) AS n FROM vendor_assignments a JOIN bookings b ON b.id = a.booking_id
            WHERE b.state IN ('enquiry', 'discussion', 'proposal_sent')
            """).first!.decode("n")
        #expect(onlyConfirmed == 0, "vendors are booked only once a deposit is paid")
    }

    @Test func aSecondLoadIsRefusedWithAReason() throws {
        let c = try loaded(seed: 1)
        #expect {
            try HistorySeed.load(into: c, shape: shape, seed: 1, today: today, now: now)
        } throws: { error in
            String(describing: error).contains("needs a database without bookings")
        }
        let bookings: Int64 = try c.query("SELECT count(*) AS n FROM bookings").first!.decode("n")
        #expect(bookings == 100)
    }
}
