import Foundation
import RochCore
import RochStore
import RochTestSupport
import Testing

/// The owners' audit page: who did what, filtered by person, booking and day (in India), newest first.
@Suite struct AuditLogQueriesTests {
    let c: Connection
    let arjun: Int64
    let milestone = "milestone00000000000000001"
    var assignment: Int64 = 0

    init() async throws {
        c = try Connection(url: try await TestDatabase.makeMigrated())
        arjun = try c.query("""
            INSERT INTO staff_users (email, name, role) VALUES ('arjun@rochevents.in', 'Arjun Mehta', 'coordinator') RETURNING id
            """).first!.decode("id")
        let client: Int64 = try c.query("INSERT INTO clients (phone, name) VALUES ('+919876500001', 'Ananya Rao') RETURNING id")
            .first!.decode("id")
        var bookingIDs: [Int64] = []
        for id in ["bookingaaaaaaaaaaaaaaaaaaa", "bookingbbbbbbbbbbbbbbbbbbb"] {
            bookingIDs.append(try c.query("""
                INSERT INTO bookings (public_id, client_id, event_type, event_date, city, guests, budget)
                VALUES ($1, $2, 'wedding', '2027-01-20', 'Udaipur', 300, '25l_50l') RETURNING id
                """, id, client).first!.decode("id"))
        }
        let proposal: Int64 = try c.query("""
            INSERT INTO proposals (booking_id, public_id, total_paise) VALUES ($1, 'proposal00000000000000001', 100000) RETURNING id
            """, bookingIDs[0]).first!.decode("id")
        try c.execute("""
            INSERT INTO payment_milestones (public_id, proposal_id, booking_id, sequence, label, amount_paise, due_on, due_rule)
            VALUES ($1, $2, $3, 1, 'Deposit', 30000, '2026-12-10', 'on_acceptance')
            """, milestone, proposal, bookingIDs[0])
        let vendor: Int64 = try c.query("INSERT INTO vendors (name, category) VALUES ('Sharma Caterers', 'caterer') RETURNING id")
            .first!.decode("id")
        assignment = try c.query("INSERT INTO vendor_assignments (booking_id, vendor_id, role) VALUES ($1, $2, 'Caterer') RETURNING id",
                                 bookingIDs[0], vendor).first!.decode("id")
        // (at, actor, action, entity, entity id)
        let rows: [(String, String, String, String, String?)] = [
            ("2026-11-30T18:29:59Z", "staff:\(arjun)", "booking.transition", "booking", "bookingaaaaaaaaaaaaaaaaaaa"),
            ("2026-11-30T18:30:00Z", "razorpay", "payment.received", "payment_milestone", milestone),
            ("2026-12-01T09:00:00Z", "staff:\(arjun)", "vendor.milestone", "vendor_assignment", String(assignment)),
            ("2026-12-01T18:29:59Z", "staff:\(arjun)", "booking.transition", "booking", "bookingbbbbbbbbbbbbbbbbbbb"),
            ("2026-12-01T18:30:00Z", "system", "staff.signed_in", "staff_user", String(arjun)),
            ("2026-12-02T10:00:00Z", "staff:999", "booking.transition", "booking", "bookingaaaaaaaaaaaaaaaaaaa"),
        ]
        for (at, actor, action, entity, entityID) in rows {
            try c.execute("INSERT INTO audit_log (at, actor, action, entity, entity_id, details) VALUES ($1::timestamptz, $2, $3, $4, $5, '{\"n\": 1}')",
                          at, actor, action, entity, entityID)
        }
    }

    func actions(_ filter: AuditFilter) throws -> [String] {
        try AuditLogQueries.search(c, filter).rows.map { "\($0.action) \($0.entityID ?? "-")" }
    }

    @Test func everythingNewestFirstWithTheTotal() throws {
        let (rows, total) = try AuditLogQueries.search(c, AuditFilter())
        #expect(total == 6 && rows.count == 6)
        #expect(rows.map(\.at) == rows.map(\.at).sorted(by: >))
        #expect(rows.first?.actor == "staff:999" && rows.first?.actorName == nil, "an unknown staff id has no name")
        #expect(rows.last?.actorName == "Arjun Mehta")
        #expect(rows.last?.details == ["n": "1"], "non-string details read as their JSON text")
    }

    @Test func filtersByWhoDidIt() throws {
        let (rows, total) = try AuditLogQueries.search(c, AuditFilter(actor: "staff:\(arjun)"))
        #expect(total == 3 && rows.allSatisfy { $0.actor == "staff:\(arjun)" && $0.actorName == "Arjun Mehta" })
        #expect(try AuditLogQueries.search(c, AuditFilter(actor: "staff:")).total == 0, "the actor is matched exactly")
    }

    @Test func filtersByBookingIncludingItsMilestonesAndVendorAssignments() throws {
        #expect(try actions(AuditFilter(bookingPublicID: "bookingaaaaaaaaaaaaaaaaaaa")) == [
            "booking.transition bookingaaaaaaaaaaaaaaaaaaa", "vendor.milestone \(assignment)",
            "payment.received \(milestone)", "booking.transition bookingaaaaaaaaaaaaaaaaaaa",
        ])
        #expect(try actions(AuditFilter(bookingPublicID: "bookingbbbbbbbbbbbbbbbbbbb")) == ["booking.transition bookingbbbbbbbbbbbbbbbbbbb"])
        #expect(try actions(AuditFilter(bookingPublicID: "booking%")).isEmpty)
    }

    @Test func filtersByDaysInIndia() throws {
        let december1 = CalendarDay("2026-12-01")!
        // 18:30 UTC is midnight in India: the day runs from 2026-11-30T18:30Z to 2026-12-01T18:29:59Z.
        #expect(try AuditLogQueries.search(c, AuditFilter(from: december1, to: december1)).rows.map(\.action)
                == ["booking.transition", "vendor.milestone", "payment.received"])
        #expect(try AuditLogQueries.search(c, AuditFilter(to: CalendarDay("2026-11-30")!)).total == 1)
        #expect(try AuditLogQueries.search(c, AuditFilter(from: CalendarDay("2026-12-02")!)).total == 2)
        #expect(try AuditLogQueries.search(c, AuditFilter(actor: "staff:\(arjun)", bookingPublicID: "bookingaaaaaaaaaaaaaaaaaaa",
                                                         from: december1, to: december1)).rows.map(\.action) == ["vendor.milestone"])
    }

    @Test func pagesKeepTheTotal() throws {
        let second = try AuditLogQueries.search(c, AuditFilter(page: 2, pageSize: 4))
        #expect(second.total == 6 && second.rows.count == 2)
        #expect(second.rows.last?.action == "booking.transition" && second.rows.last?.entityID == "bookingaaaaaaaaaaaaaaaaaaa")
        let beyond = try AuditLogQueries.search(c, AuditFilter(page: 9, pageSize: 4))
        #expect(beyond.total == 6 && beyond.rows.isEmpty)
        #expect(try AuditLogQueries.search(c, AuditFilter(page: .max, pageSize: .max)).total == 6)
    }

    @Test(arguments: ["'; DELETE FROM audit_log; --", "staff:1' OR '1'='1", "a\u{0}", String(repeating: "x", count: 5_000), "%"])
    func anyFilterTextIsSafe(_ text: String) throws {
        if text.utf8.contains(0) {
            // libpq would cut the value at the NUL (matching "a"): the connection refuses it instead
            #expect(throws: PostgresError.self) { try AuditLogQueries.search(c, AuditFilter(actor: text, bookingPublicID: text)) }
        } else {
            #expect(try AuditLogQueries.search(c, AuditFilter(actor: text, bookingPublicID: text)).total == 0)
        }
        #expect(try AuditLogQueries.search(c, AuditFilter()).total == 6)
    }

    @Test func theOneWriterKeepsTheRequestsOriginInTheDetails() throws {
        try AuditLogQueries.record(c, actor: "staff:\(arjun)", action: "staff.signed_in", entity: "staff_user", entityID: String(arjun),
                                   details: ["method": "password"], ip: "2001:db8::1", userAgent: "Mozilla/5.0 " + String(repeating: "x", count: 500))
        try TeamRepository.audit(c, actor: "worker", action: "payment_link.issued", entity: "payment_milestone", entityID: milestone)
        let rows = try AuditLogQueries.search(c, AuditFilter(from: IST.day(of: Date()))).rows
        let signIn = try #require(rows.first { $0.action == "staff.signed_in" && $0.actor != "system" })
        #expect(signIn.ip == "2001:db8::1" && signIn.userAgent?.hasPrefix("Mozilla/5.0 x") == true && signIn.userAgent?.count == 300)
        #expect(signIn.details["method"] == "password" && signIn.actorName == "Arjun Mehta")
        let issued = try #require(rows.first { $0.action == "payment_link.issued" })
        #expect(issued.details.isEmpty && issued.ip == nil && issued.userAgent == nil)
    }
}
