import Foundation
import RochStore

/// Demo data for `make dev`: the Roch team. Idempotent (keyed on natural keys).
public enum DemoData {
    public struct StaffMember: Sendable {
        public var email: String
        public var name: String
        public var phone: String
        public var role: String
    }

    public static let team: [StaffMember] = [
        StaffMember(email: "riya@rochevents.in", name: "Riya Sharma", phone: "+919820012345", role: "admin"),
        StaffMember(email: "arjun@rochevents.in", name: "Arjun Mehta", phone: "+919820023456", role: "coordinator"),
        StaffMember(email: "kavya@rochevents.in", name: "Kavya Iyer", phone: "+919820034567", role: "coordinator"),
        StaffMember(email: "sahil@rochevents.in", name: "Sahil Khan", phone: "+919820045678", role: "team"),
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
            return "demo data: \(added) team member\(added == 1 ? "" : "s") added (\(team.count) in the demo team)"
        }
    }
}
