import Foundation
import RochApp
import RochCore
import RochStore
import RochTestSupport
import Testing

/// The team's read-only booking page: everything about the demo wedding, section by section, in order.
@Suite struct BookingDossierTests {
    let c: Connection
    let demoID = "demo_wedding_ananya_rohan"

    init() async throws {
        c = try Connection(url: try await TestDatabase.makeMigrated())
        _ = try DemoData.load(into: c)
    }

    @Test func theDemoWeddingHasEverySectionInOrder() throws {
        let d = try #require(try BookingDossierQueries.load(c, publicID: demoID))
        #expect(d.booking.publicID == demoID && d.booking.state == .activePreparation && d.booking.eventType == "wedding")
        #expect(d.booking.city == "Udaipur" && d.booking.venue == "Lake Palace Lawns" && d.booking.guests == 350)
        #expect(d.booking.eventDate == IST.day(of: Date()).adding(days: 42) && d.booking.coordinatorName == "Arjun Mehta")
        #expect(!d.booking.fromEnquiryForm && d.booking.sourceIP == nil)
        #expect(d.client.name == "Ananya Rao" && d.client.phone == "+919876500001" && d.client.email == "ananya.rao@example.com")
        #expect(d.client.whatsAppConsent)
        #expect(d.submitted == nil)

        #expect(d.history.map(\.to) == [.enquiry, .discussion, .proposalSent, .depositPaid, .activePreparation])
        #expect(d.history.map(\.from) == [nil, .enquiry, .discussion, .proposalSent, .depositPaid])
        #expect(d.history.allSatisfy { $0.actor == "demo" })

        #expect(d.timeline.map(\.id) == d.timeline.map(\.id).sorted() && d.timeline.first?.title == "Enquiry received")
        #expect(d.timeline.contains { $0.kind == "payment" } && d.timeline.contains { $0.kind == "vendor" })

        #expect(d.milestones.map(\.label) == ["Deposit", "Second instalment", "Balance"])
        #expect(d.milestones.map(\.status) == [.paid, .pending, .pending])
        #expect(d.milestones.reduce(Money.zero) { $0 + $1.amount } == Money(rupees: 40_00_000))

        let deposit = try #require(d.payments.first)
        #expect(d.payments.count == 1 && deposit.milestoneLabel == "Deposit" && deposit.amount == d.milestones[0].amount)
        #expect(deposit.status == "captured" && deposit.method == "upi" && deposit.receiptNumber?.hasPrefix("DEMO/") == true)

        #expect(d.vendors.map(\.assignment.role) == ["Venue", "Caterer", "Decorator", "Florist", "Photographer", "Lighting and sound"])
        #expect(d.vendors.map(\.assignment.id) == d.vendors.map(\.assignment.id).sorted())
        let blocked = d.vendors.filter { $0.blocked != nil }.map(\.assignment.role)
        #expect(blocked == ["Decorator", "Florist", "Lighting and sound"])
        #expect(d.vendors.first { $0.assignment.role == "Decorator" }?.blocked?.reason == "Decorator waits on Caterer: menu not confirmed")

        #expect(d.tasks.map(\.title) == ["Confirm the menu with Sharma Caterers", "Call the client within 24 h"], "open tasks first")
        #expect(d.tasks.map(\.isDone) == [false, true] && d.tasks.allSatisfy { $0.assigneeName == "Arjun Mehta" })

        // The booking's own rows and those of its milestones and vendor assignments, oldest first.
        #expect(d.audit.first?.action == "booking.created")
        #expect(Set(d.audit.map(\.entity)) == ["booking", "payment_milestone", "vendor_assignment"])
        #expect(d.audit.map(\.id) == d.audit.map(\.id).sorted())
        #expect(d.audit.contains { $0.action == "payment.received" && $0.details["receipt"] == deposit.receiptNumber })
        #expect(d.audit.contains { $0.action == "vendor.payment" })
    }

    @Test func anotherBookingsRowsStayOut() throws {
        let client: Int64 = try c.query("INSERT INTO clients (phone, name) VALUES ('+919811100000', 'Other Client') RETURNING id")
            .first!.decode("id")
        let other: Int64 = try c.query("""
            INSERT INTO bookings (public_id, client_id, event_type, event_date, city, guests, budget, notes, idempotency_key, source_ip)
            VALUES ('otherbooking00000000000001', $1, 'birthday', '2027-02-01', 'Pune', 40, 'under_5l',
                    '<script>alert(1)</script> & "quotes"', 'key-1', '203.0.113.7')
            RETURNING id
            """, client).first!.decode("id")
        try c.execute("INSERT INTO booking_transitions (booking_id, to_state, event, actor) VALUES ($1, 'enquiry', 'create', 'client')", other)
        try TeamRepository.audit(c, actor: "client", action: "booking.created", entity: "booking", entityID: "otherbooking00000000000001")
        let d = try #require(try BookingDossierQueries.load(c, publicID: "otherbooking00000000000001"))
        #expect(d.booking.notes == "<script>alert(1)</script> & \"quotes\"", "notes exactly as the client wrote them")
        #expect(d.booking.fromEnquiryForm && d.booking.sourceIP == "203.0.113.7" && d.booking.coordinatorName == nil)
        #expect(d.history.count == 1 && d.timeline.isEmpty && d.milestones.isEmpty && d.payments.isEmpty && d.vendors.isEmpty)
        #expect(d.tasks.isEmpty && d.audit.map(\.action) == ["booking.created"])
        let demo = try #require(try BookingDossierQueries.load(c, publicID: demoID))
        #expect(!demo.audit.contains { $0.entityID == "otherbooking00000000000001" })
    }

    @Test(arguments: ["demo_wedding_ananya_rohaX", "demo_wedding", "", " ", "\u{0}", "demo_wedding_ananya_rohan\u{0}x", "'; DROP TABLE bookings; --",
                      "%", "demo_wedding_ananya_roha_", "../../etc/passwd", String(repeating: "a", count: 10_000), "DEMO_WEDDING_ANANYA_ROHAN"])
    func anUnknownOrMalformedIDHasNoDossier(_ id: String) throws {
        #expect(try BookingDossierQueries.load(c, publicID: id) == nil)
    }

    @Test func whatTheFormSubmittedShowsWhenItDiffersFromTheClientRecord() throws {
        // Migration 0010 adds these columns; the dossier reads them when present (added here if not yet).
        try c.executeScript("""
            ALTER TABLE bookings ADD COLUMN IF NOT EXISTS submitted_name text;
            ALTER TABLE bookings ADD COLUMN IF NOT EXISTS submitted_email text;
            ALTER TABLE bookings ADD COLUMN IF NOT EXISTS submitted_whatsapp_consent boolean
            """)
        try c.execute("""
            UPDATE bookings SET submitted_name = 'Ananya R.', submitted_email = 'ANANYA.RAO@example.com', submitted_whatsapp_consent = false
            WHERE public_id = $1
            """, demoID)
        let d = try #require(try BookingDossierQueries.load(c, publicID: demoID))
        #expect(d.submitted == BookingDossier.SubmittedDetails(name: "Ananya R.", email: nil, whatsAppConsent: false))
        try c.execute("UPDATE bookings SET submitted_name = 'Ananya Rao', submitted_whatsapp_consent = true WHERE public_id = $1", demoID)
        #expect(try BookingDossierQueries.load(c, publicID: demoID)?.submitted == nil, "the same details are not repeated")
    }

    @Test func theBookingsListFindsTheDemoWeddingByPhone() throws {
        let page = try StaffBookingQueries.search(c, BookingSearch(text: "98765 00001"))
        #expect(page.rows.map(\.publicID) == [demoID] && page.rows.first?.coordinatorName == "Arjun Mehta")
    }
}
