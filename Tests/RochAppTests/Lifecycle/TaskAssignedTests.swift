import Foundation
import RochApp
import RochCore
import RochStore
import RochTestSupport
import Testing

/// A task the lifecycle creates tells its assignee at once (`task_assigned`, issue 16).
@Suite(.serialized)
struct TaskAssignedTests {
    struct Told: Equatable { var title: String; var to: String; var channel: String }

    static func told(_ w: AdminWorld) throws -> [Told] {
        try w.sync { c in
            try c.query("SELECT parameters::text AS p, address, channel, recipient_role FROM notifications WHERE moment = 'task_assigned' ORDER BY id").map { row in
                let p = try JSONSerialization.jsonObject(with: Data(try row.decode("p", as: String.self).utf8)) as! [String: String]
                for key in NotificationCatalogue.parameters[.taskAssigned]! { #expect(p[key]?.isEmpty == false, "\(key) missing") }
                let role = RecipientRole(rawValue: try row.decode("recipient_role", as: String.self))!
                _ = try NotificationCatalogue.render(moment: .taskAssigned, recipient: role, parameters: p)
                return Told(title: p["task_title"]!, to: try row.decode("address"), channel: try row.decode("channel"))
            }
        }
    }

    static func cancel(_ w: AdminWorld) throws {
        _ = try w.sync { c in
            try c.transaction { c in
                let booking = try BookingRepository.find(c, publicID: w.bookingPublicID)!
                try TransitionService(configuration: w.context.configuration).fire(
                    TransitionRequest(bookingID: booking.id, event: .cancel, actor: .teamMember, actorLabel: "test", reason: "the family postponed"), on: c)
            }
        }
    }

    @Test func theCoordinatorsTaskGoesToTheCoordinatorAndAnAccountsTaskToAccounts() async throws {
        let w = try await AdminWorld()
        _ = try w.sync { c in try c.execute("UPDATE bookings SET state = 'deposit_paid'") }
        try Self.cancel(w)
        #expect(try Self.told(w) == [Told(title: "Settle refund per the cancellation terms", to: "sahil@rochevents.in", channel: "email"),
                                     Told(title: "Release booked vendors", to: "arjun@rochevents.in", channel: "email")])
        let due = try w.sync { c in
            try c.query("SELECT parameters->>'task_due' AS d FROM notifications WHERE moment = 'task_assigned' ORDER BY id").map { try $0.decode("d", as: String.self) }
        }
        #expect(due.allSatisfy { $0.hasSuffix(" IST") && $0.contains(" at ") })
    }

    @Test func withoutACoordinatorTheCoordinatorsTaskGoesToEveryCoordinator() async throws {
        let w = try await AdminWorld()
        _ = try w.sync { c in
            try c.execute("UPDATE bookings SET state = 'deposit_paid', coordinator_id = NULL")
            try c.execute("UPDATE staff_users SET active = false WHERE role = 'accounts'")
        }
        try Self.cancel(w)
        // Nobody holds accounts any more: the owner does; the coordinator's task reaches both coordinators.
        #expect(try Self.told(w) == [Told(title: "Settle refund per the cancellation terms", to: "riya@rochevents.in", channel: "email"),
                                     Told(title: "Release booked vendors", to: "arjun@rochevents.in", channel: "email"),
                                     Told(title: "Release booked vendors", to: "kavya@rochevents.in", channel: "email")])
    }
}
