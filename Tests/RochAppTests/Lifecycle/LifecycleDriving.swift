import Foundation
import RochApp
import RochCore
import RochHTTP
import RochStore
import RochTestSupport

/// Drives a `PaymentFixture` booking (made through the booking form) the way the code does:
/// transitions through `TransitionService`, jobs through their handlers, the portal through its API.
extension PaymentFixture {
    /// Fires a lifecycle event in its own transaction, as the admin or a webhook would.
    func fire(_ event: BookingEvent, reason: String? = nil) throws {
        let transitions = TransitionService(configuration: context.configuration)
        let id = bookingID
        _ = try context.database.withConnectionSync { c in
            try c.transaction { c in
                try transitions.fire(TransitionRequest(bookingID: id, event: event, actor: .teamMember, actorLabel: "staff:1", reason: reason), on: c)
            }
        }
    }

    /// Pays the deposit in full through the fake and its webhooks, then issues the balance link.
    func payDeposit() async throws {
        let paid = try fake.pay(linkID: try currentLinkID(1))
        _ = await deliver(all: paid.deliveries)
        try await runQueuedLinkJobs()
    }

    /// Runs every queued job of `kind` with `handler`, oldest first, and marks it done.
    func runQueuedJobs(_ kind: String, _ handler: any JobHandler) async throws {
        let jobs = try context.database.withConnectionSync { c in
            try c.query("SELECT id, payload::text AS payload FROM jobs WHERE kind = $1 AND status = 'queued' ORDER BY id", kind)
                .map { (try $0.decode("id", as: Int64.self), try $0.decode("payload", as: String.self)) }
        }
        for (id, payload) in jobs {
            try await handler.run(JobRecord(id: id, kind: kind, payload: JSONB(payload), attempts: 0), context: context)
            _ = try context.database.withConnectionSync { try $0.execute("UPDATE jobs SET status = 'done' WHERE id = $1", id) }
        }
    }

    /// The booking's detail as the signed-in client's portal reads it (`GET /api/portal/bookings/<id>`).
    func portalDetail() async throws -> [String: Any] {
        let api = PortalAPI(context: context)
        let (clientID, publicID) = try context.database.withConnectionSync { c in
            let b = try BookingRepository.find(c, id: bookingID)!
            return (b.clientID, b.publicID)
        }
        let url = try context.database.withConnectionSync { c in
            try PortalAccess.issueLink(c, clientID: clientID, issuedBy: "test", lifetime: 600, siteURL: "https://rochevents.test")
        }
        let opened = try await api.handle(Request(method: "GET", path: "/api/portal/open", queryString: "token=\(url.split(separator: "=").last!)"))
        let cookie = String(opened.headers["set-cookie"]!.split(separator: ";")[0])
        let response = await ErrorResponder.respond({ try await api.handle($0) }, to: Request(
            method: "GET", path: "/api/portal/bookings/\(publicID)", headers: Headers([("Accept", "application/json"), ("Cookie", cookie)])))
        guard response.status == 200 else { throw KitError("portal answered \(response.status): \(response.text)") }
        return response.json
    }

    /// The parameters of the booking's queued or sent rows of a moment, per recipient role and channel.
    func messages(_ moment: NotificationMoment) throws -> [(role: String, channel: String, status: String, due: Date, parameters: [String: String])] {
        try context.database.withConnectionSync { c in
            try c.query("""
                SELECT recipient_role, channel, status, due_at, parameters::text AS p FROM notifications
                WHERE booking_id = $1 AND moment = $2 ORDER BY id
                """, bookingID, moment.rawValue).map { row in
                (try row.decode("recipient_role"), try row.decode("channel"), try row.decode("status"), try row.decode("due_at"),
                 try JSONB(try row.decode("p", as: String.self)).decode([String: String].self))
            }
        }
    }
}
