import Foundation
import RochApp
import RochCore
import RochStore

/// Bookings, people and vendors for the vendor tests, written straight into a test database.
enum VendorFixture {
    /// A client and a booking in `state` (an active event by default); returns the booking id.
    static func booking(_ c: Connection, state: String = "active_preparation", coordinatorID: Int64? = nil,
                        eventDate: String = "2026-12-20") throws -> Int64 {
        let phone = "+9198" + String(format: "%08d", Int.random(in: 0..<100_000_000))
        let client: Int64 = try c.query("""
            INSERT INTO clients (phone, name, email, whatsapp_consent) VALUES ($1, 'Asha Rao', 'asha@example.com', true)
            ON CONFLICT (phone) DO UPDATE SET name = EXCLUDED.name RETURNING id
            """, phone).first!.decode("id")
        return try c.query("""
            INSERT INTO bookings (public_id, client_id, state, event_type, event_date, city, guests, budget, coordinator_id)
            VALUES ($1, $2, $3, 'wedding', $4::date, 'Jaipur', 250, '10l_25l', $5) RETURNING id
            """, "bk_" + UUID().uuidString.replacingOccurrences(of: "-", with: "").lowercased(), client, state, eventDate,
            coordinatorID).first!.decode("id")
    }

    static func coordinator(_ c: Connection) throws -> Int64 {
        try c.query("""
            INSERT INTO staff_users (email, name, phone, role) VALUES ($1, 'Priya Shah', '+919820011111', 'coordinator') RETURNING id
            """, "priya.\(UUID().uuidString.prefix(8).lowercased())@rochevents.in").first!.decode("id")
    }

    static func vendor(_ c: Connection, name: String = "Sharma Caterers", category: String = "caterer",
                       phone: String? = "+919811122233", email: String? = "orders@sharma.example") throws -> VendorRecord {
        try VendorRepository.insertVendor(c, NewVendor(name: name, category: category, phone: phone, email: email))
    }

    static func assignment(_ c: Connection, booking: Int64, vendor: Int64, role: String, status: VendorAssignmentStatus = .pending,
                           date: String? = nil, text: String? = nil, clientVisible: Bool = true,
                           agreed: Money = .zero, dueOn: String? = nil) throws -> VendorAssignmentRecord {
        try VendorRepository.insertAssignment(c, NewVendorAssignment(
            bookingID: booking, vendorID: vendor, role: role, status: status, milestoneDate: date.flatMap(CalendarDay.init),
            milestoneText: text, clientVisible: clientVisible, amountAgreed: agreed, paymentDueOn: dueOn.flatMap(CalendarDay.init)))
    }
}

/// SplitMix64: a small seeded generator so every random graph can be reproduced from its seed.
struct SeededGenerator: RandomNumberGenerator {
    var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}
