import Foundation
import RochCore
import RochStore

/// Demo data for `make dev`: the Roch team, and one wedding in preparation with its vendors, who
/// waits on whom, a vendor payment and the client's timeline, so the vendor board and the portal
/// have something true to show. Idempotent (keyed on natural keys).
public enum DemoData {
    public struct StaffMember: Sendable {
        public var email: String
        public var name: String
        public var phone: String
        public var role: String
    }

    public static let team: [StaffMember] = [
        StaffMember(email: "riya@rochevents.in", name: "Riya Sharma", phone: "+919820012345", role: "owner"),
        StaffMember(email: "arjun@rochevents.in", name: "Arjun Mehta", phone: "+919820023456", role: "coordinator"),
        StaffMember(email: "kavya@rochevents.in", name: "Kavya Iyer", phone: "+919820034567", role: "coordinator"),
        StaffMember(email: "sahil@rochevents.in", name: "Sahil Khan", phone: "+919820045678", role: "accounts"),
    ]

    /// Loads the demo data and returns a one-line summary.
    public static func load(into connection: Connection) throws -> String {
        try connection.transaction { c in
            var added = 0
            for m in team {
                added += try c.execute("""
                    INSERT INTO staff_users (email, name, phone, role) VALUES ($1, $2, $3, $4)
                    ON CONFLICT (email) DO NOTHING
                    """, m.email, m.name, m.phone, m.role)
            }
            let wedding = try DemoWedding.load(c, coordinatorEmail: team[1].email, today: IST.day(of: Date()))
            return "demo data: \(added) team member\(added == 1 ? "" : "s") added (\(team.count) in the demo team); " + wedding
        }
    }
}

/// Ananya and Rohan's wedding in Udaipur, six weeks away, in active preparation: six vendors, a
/// dependency chain in which the decorator waits on the caterer's menu and the florist and lighting
/// wait on the decorator, and one vendor advance paid; the deposit of a three-part schedule paid,
/// tasks and audit rows (DemoWeddingOffice.swift).
enum DemoWedding {
    static let publicID = "demo_wedding_ananya_rohan"
    static let clientPhone = "+919876500001"

    struct Vendor {
        let name, category, phone, role: String
        let status: VendorAssignmentStatus
        let text: String?
        let daysBeforeEvent: Int
        let agreed: Int64   // rupees
    }

    static let vendors: [Vendor] = [
        Vendor(name: "Lake Palace Lawns", category: "venue", phone: "+919414000101", role: "Venue", status: .delivered,
               text: "Lawn booked for the sangeet and the wedding", daysBeforeEvent: 40, agreed: 450_000),
        Vendor(name: "Sharma Caterers", category: "caterer", phone: "+919414000102", role: "Caterer", status: .pending,
               text: "menu not confirmed", daysBeforeEvent: 21, agreed: 380_000),
        Vendor(name: "Marigold Decor", category: "decorator", phone: "+919414000103", role: "Decorator", status: .pending,
               text: nil, daysBeforeEvent: 14, agreed: 220_000),
        Vendor(name: "Bloom & Petal", category: "florist", phone: "+919414000104", role: "Florist", status: .pending,
               text: nil, daysBeforeEvent: 3, agreed: 90_000),
        Vendor(name: "Candid Frames", category: "photographer", phone: "+919414000105", role: "Photographer",
               status: .confirmed, text: "Pre-wedding shoot scheduled", daysBeforeEvent: 30, agreed: 150_000),
        Vendor(name: "Rhythm House", category: "entertainment", phone: "+919414000106", role: "Lighting and sound",
               status: .pending, text: nil, daysBeforeEvent: 7, agreed: 75_000),
    ]

    /// (dependent role, required role): the decorator needs the caterer's layout, the florist and
    /// lighting follow the decor, the caterer works to the venue's kitchen plan.
    static let dependencies: [(String, String)] = [
        ("Caterer", "Venue"), ("Decorator", "Caterer"), ("Decorator", "Venue"), ("Florist", "Decorator"),
        ("Lighting and sound", "Decorator"),
    ]

    static func load(_ c: Connection, coordinatorEmail: String, today: CalendarDay) throws -> String {
        if try c.query("SELECT 1 FROM bookings WHERE public_id = $1", publicID).first != nil {
            return "demo wedding already there"
        }
        let eventDate = today.adding(days: 42)
        let client: Int64 = try c.query("""
            INSERT INTO clients (phone, name, email, whatsapp_consent) VALUES ($1, 'Ananya Rao', 'ananya.rao@example.com', true)
            ON CONFLICT (phone) DO UPDATE SET name = EXCLUDED.name RETURNING id
            """, clientPhone).first!.decode("id")
        let booking: Int64 = try c.query("""
            INSERT INTO bookings (public_id, client_id, state, event_type, event_date, city, venue, guests, budget, coordinator_id)
            VALUES ($1, $2, 'active_preparation', 'wedding', $3::date, 'Udaipur', 'Lake Palace Lawns', 350, '25l_50l',
                    (SELECT id FROM staff_users WHERE email = $4))
            RETURNING id
            """, publicID, client, eventDate.description, coordinatorEmail).first!.decode("id")
        // Each step on its own day, its client timeline entry exactly as the lifecycle table writes it.
        let history: [(from: BookingState?, to: BookingState, event: String, entry: PortalEntryTemplate?, at: Instant)] = [
            (nil, .enquiry, "create", portalEntry(BookingLifecycle.creation.actions), Story.enquiry),
            (.enquiry, .discussion, BookingEvent.discuss.rawValue, portalEntry(.enquiry, .discuss), Story.discussion),
            (.discussion, .proposalSent, BookingEvent.sendProposal.rawValue, portalEntry(.discussion, .sendProposal), Story.proposalSent),
            (.proposalSent, .depositPaid, BookingEvent.depositPaid.rawValue, portalEntry(.proposalSent, .depositPaid), Story.depositPaid),
            (.depositPaid, .activePreparation, BookingEvent.startPreparation.rawValue, portalEntry(.depositPaid, .startPreparation),
             Story.preparation),
        ]
        for step in history {
            if step.to == .proposalSent { try sendProposal(c, bookingID: booking, eventDate: eventDate, today: today) }
            if step.to == .depositPaid { try receiveDeposit(c, bookingID: booking, today: today) }
            try c.execute("""
                INSERT INTO booking_transitions (booking_id, from_state, to_state, event, actor, note) VALUES ($1, $2, $3, $4, 'demo', 'demo data')
                """, booking, step.from?.rawValue, step.to.rawValue, step.event)
            try TeamRepository.audit(c, actor: "demo", action: step.from == nil ? "booking.created" : "booking.transition", entity: "booking",
                                     entityID: publicID, details: ["from": step.from?.rawValue ?? "", "to": step.to.rawValue, "event": step.event])
            if let entry = step.entry {
                _ = try TimelineRepository.append(c, bookingID: booking, kind: "status", title: entry.title, body: entry.body,
                                                  data: try JSONB(encoding: ["state": step.to.rawValue, "label": step.to.label]))
            }
            if step.to == .enquiry { try addFirstCall(c, bookingID: booking, coordinatorEmail: coordinatorEmail, today: today) }
            try date(c, bookingID: booking, at: step.at.on(today))
        }
        var ids: [String: Int64] = [:]
        for v in vendors {
            let vendor = try VendorRepository.insertVendor(c, NewVendor(name: v.name, category: v.category, phone: v.phone))
            let a = try VendorRepository.insertAssignment(c, NewVendorAssignment(
                bookingID: booking, vendorID: vendor.id, role: v.role, status: v.status,
                milestoneDate: eventDate.adding(days: -v.daysBeforeEvent), milestoneText: v.text,
                amountAgreed: Money(rupees: v.agreed), paymentDueOn: eventDate.adding(days: -v.daysBeforeEvent)))
            ids[v.role] = a.id
        }
        for (dependent, required) in dependencies {
            _ = try VendorRepository.addDependency(c, dependent: ids[dependent]!, required: ids[required]!)
        }
        _ = try VendorPayables.record(c, NewVendorPayment(
            assignmentID: ids["Venue"]!, amount: Money(rupees: 150_000), paidOn: Story.venueConfirmed.day(today), method: "bank_transfer",
            reference: "DEMO-NEFT-0001", note: "Advance for the lawn", recordedBy: "demo"))
        _ = try TimelineRepository.append(c, bookingID: booking, kind: "vendor", title: "Your venue has been confirmed",
                                          body: "Lake Palace Lawns is booked for the sangeet and the wedding.")
        try addMenuTask(c, bookingID: booking, coordinatorEmail: coordinatorEmail)
        try date(c, bookingID: booking, at: Story.venueConfirmed.on(today))
        return "demo wedding added (booking \(publicID), \(vendors.count) vendors; `roch portal-link --phone \(clientPhone)` opens its portal)"
    }
}
