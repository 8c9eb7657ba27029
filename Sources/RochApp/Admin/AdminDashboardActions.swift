import Foundation
import RochCore
import RochHTTP
import RochStore

/// The dashboard's two buttons: "send reminder now" on an unpaid milestone and "retry" on a
/// failed message. Each is one transaction with its audit entry, then back where the tap came from.
extension AdminApp {
    /// POST /admin/milestones/<milestone public id>/remind {csrf, back}: a payment reminder to the
    /// client now, with the link; an expired link is re-issued first (PaymentLinkJob, which sends
    /// the new link to the client). Owner and accounts for any booking, a coordinator for their own.
    func remind(_ milestonePublicID: String, request: Request, session: StaffSession, now: Date) async throws -> Response {
        let back = AdminReturnPath.sanitise(try request.form()["back"])
        let client = StaffClient(request)
        let configuration = context.configuration
        enum Outcome { case sent, reissued, refused(Int, String), denied(String) }
        let outcome: Outcome = try await context.database.transaction { c in
            let target: DashboardActions.ReminderTarget
            switch try DashboardActions.reminderTarget(c, milestonePublicID: milestonePublicID) {
            case .failure(let refusal): return .refused(refusal == .notFound ? 404 : 409, refusal.description)
            case .success(let t): target = t
            }
            if case .denied(let why) = Self.mayRemind(session, coordinatorID: target.booking.coordinatorID) { return .denied(why) }
            let m = target.milestone, booking = target.booking
            let stamp = Int(now.timeIntervalSince1970)
            if target.needsNewLink {
                try OutboxRepository.enqueueJob(c, kind: PaymentLinkJob.kind, idempotencyKey: "\(PaymentLinkJob.kind):\(booking.id):remind:\(m.publicID):\(stamp)",
                                                payload: try JSONB(encoding: ["booking_id": String(booking.id), "milestones": m.publicID]))
            } else {
                let due = NotificationFormat.date(m.dueOn)
                let overdue = m.dueOn < IST.day(of: now)
                try BookingNotifier(configuration: configuration).notify(c, moment: .paymentDueReminder, booking: booking,
                                                                         occurrence: "staff:\(m.sequence):\(stamp)", extra: [
                    "milestone_label": m.label, "amount": m.outstanding.inr, "due_date": due, "milestone_sequence": String(m.sequence),
                    "due_status": overdue ? "overdue (it was due on \(due))" : "due on \(due)",
                    "payment_link": m.shortURL ?? "\(configuration.siteURL)/portal/",
                ], roles: [.client])
            }
            try AuditLogQueries.record(c, actor: "staff:\(session.account.id)", action: "payment.reminder_sent", entity: "payment_milestone",
                                       entityID: m.publicID, details: ["booking": booking.publicID, "link_reissued": target.needsNewLink ? "yes" : "no"],
                                       ip: client.ip, userAgent: client.userAgent)
            return target.needsNewLink ? .reissued : .sent
        }
        switch outcome {
        case .sent: return Response.redirect(to: Self.withNotice(back, "reminder-sent"))
        case .reissued: return Response.redirect(to: Self.withNotice(back, "link-reissued"))
        case .refused(let status, let why): return message(status: status, heading: "No reminder sent", text: why, session: session)
        case .denied(let why):
            try await audit(session, request, action: "staff.denied", details: ["wanted": "payment.reminder", "milestone": milestonePublicID])
            return message(status: 403, heading: "Not allowed", text: why, session: session)
        }
    }

    /// POST /admin/messages/<id>/retry {csrf, back}: a failed message back in the queue.
    func retryMessage(_ id: Int64, request: Request, session: StaffSession) async throws -> Response {
        let back = AdminReturnPath.sanitise(try request.form()["back"])
        let client = StaffClient(request)
        let actor = "staff:\(session.account.id)"
        enum Outcome { case retried, refused(Int, String), denied(String) }
        let outcome: Outcome = try await context.database.transaction { c in
            guard let row = try c.query("SELECT b.coordinator_id FROM notifications n LEFT JOIN bookings b ON b.id = n.booking_id WHERE n.id = $1", id).first else {
                return .refused(404, "There is no message with that number.")
            }
            let target: PermissionTarget = (try row.decode("coordinator_id") as Int64?).map { .booking(coordinatorID: $0) } ?? .general
            if case .denied(let why) = StaffPermissions.decide(role: session.role, staffID: session.account.id, action: .actOnBooking, on: target) {
                return .denied(why)
            }
            switch try DashboardActions.retryMessage(c, id: id, by: "\(session.account.name) (\(actor))") {
            case .notFound: return .refused(404, "There is no message with that number.")
            case .notFailed(let status): return .refused(409, "This message is \(status), not failed, so it was not sent again.")
            case .requeued(let bookingID):
                try AuditLogQueries.record(c, actor: actor, action: "notification.retried", entity: "notification", entityID: String(id),
                                           details: bookingID.map { ["booking_id": String($0)] } ?? [:], ip: client.ip, userAgent: client.userAgent)
                return .retried
            }
        }
        switch outcome {
        case .retried: return Response.redirect(to: Self.withNotice(back, "message-retried"))
        case .refused(let status, let why): return message(status: status, heading: "Not sent again", text: why, session: session)
        case .denied(let why):
            try await audit(session, request, action: "staff.denied", details: ["wanted": "notification.retry", "notification": String(id)])
            return message(status: 403, heading: "Not allowed", text: why, session: session)
        }
    }

    /// Owner and accounts (money actions) for any booking; a coordinator for the bookings they coordinate.
    static func mayRemind(_ session: StaffSession, coordinatorID: Int64?) -> PermissionDecision {
        if StaffPermissions.decide(role: session.role, staffID: session.account.id, action: .moneyActions).isAllowed { return .allowed }
        return StaffPermissions.decide(role: session.role, staffID: session.account.id, action: .actOnBooking, on: .booking(coordinatorID: coordinatorID))
    }

    /// `path` with `notice=<key>` added (replacing an earlier notice).
    static func withNotice(_ path: String, _ key: String) -> String {
        let parts = path.split(separator: "?", maxSplits: 1)
        var pairs = parts.count == 2 ? parts[1].split(separator: "&").filter { !$0.hasPrefix("notice=") }.map(String.init) : []
        pairs.append("notice=\(key)")
        return String(parts.first ?? "/admin/") + "?" + pairs.joined(separator: "&")
    }
}
