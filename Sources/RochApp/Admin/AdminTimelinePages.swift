import Foundation
import RochCore
import RochHTTP
import RochStore

/// What a form on the client-timeline page asks for (`POST /admin/bookings/<id>/timeline/<action>`).
enum TimelineAction: String, Equatable {
    case note, issueLink = "issue-link", revokeLink = "revoke-link"
}

/// The client's side of a booking (`/admin/bookings/<id>/timeline`): the timeline as the portal
/// shows it, a note to add to it (it reaches an open portal at once through NOTIFY and SSE), the
/// client's portal links (issue one, revoke one) and when the client opened the portal.
extension AdminApp {
    func clientTimeline(_ publicID: String, session: StaffSession, now: Date, status: Int = 200, errors: ValidationErrors? = nil,
                        typed: FormData? = nil, newLink: String? = nil) async throws -> Response {
        guard let d = try await context.database.withConnection({ c in try BookingDossierQueries.load(c, publicID: publicID) }) else {
            return message(status: 404, heading: "No such booking", text: "No booking has the id \(publicID). Search for it on the bookings page.", session: session)
        }
        let access = try await context.database.withConnection { c in try ClientTimelineQueries.access(c, clientID: d.client.id) }
        let mayAct = StaffPermissions.decide(role: session.role, staffID: session.account.id, action: .actOnBooking,
                                             on: .booking(coordinatorID: d.booking.coordinatorID)).isAllowed
        func field(_ name: String, _ fallback: String = "") -> [String: Any] {
            ["value": typed?[name] ?? fallback, "error": errors?.fields[name] as Any]
        }
        let f = NotificationFormat.dateTime
        return templates.response(AdminPage("timeline", title: "Timeline: \(d.client.name)", status: status, current: "bookings", values: [
            "booking": ["publicID": d.booking.publicID, "stateLabel": d.booking.state.label] as [String: Any],
            "client": ["name": d.client.name, "phone": d.client.phone] as [String: Any],
            "entries": d.timeline.reversed().map { ["title": $0.title, "body": $0.body, "at": f($0.createdAt), "kind": $0.kind] as [String: Any] },
            "mayAct": mayAct, "newLink": newLink as Any,
            "formError": errors?.fields["form"] as Any,
            "note": ["title": field("title"), "body": field("body")] as [String: Any],
            "days": field("days", "7"),
            "links": access.links.map { l in
                let state = l.revokedAt != nil ? "revoked \(f(l.revokedAt!))" : l.expiresAt <= now ? "expired \(f(l.expiresAt))" : "valid until \(f(l.expiresAt))"
                return ["id": String(l.id), "issuedBy": l.issuedBy, "created": f(l.createdAt), "state": state,
                        "opened": l.uses == 0 ? "never opened" : "opened \(l.uses) time\(l.uses == 1 ? "" : "s"), last \(l.lastUsedAt.map(f) ?? "")",
                        "canRevoke": mayAct && l.revokedAt == nil && l.expiresAt > now] as [String: Any]
            },
            "visits": access.visits.map { v in
                ["started": f(v.createdAt), "lastSeen": f(v.lastSeenAt),
                 "state": v.revokedAt != nil ? "ended by staff" : v.expiresAt <= now ? "expired" : "still signed in"] as [String: Any]
            },
            "hasLinks": !access.links.isEmpty, "hasVisits": !access.visits.isEmpty,
        ]), session: session)
    }

    func timelineAction(_ action: TimelineAction, _ publicID: String, request: Request, session: StaffSession, now: Date) async throws -> Response {
        let form = try request.form()
        guard let booking = try await context.database.withConnection({ c in try BookingRepository.find(c, publicID: publicID) }) else {
            return message(status: 404, heading: "No such booking", text: "No booking has the id \(publicID).", session: session)
        }
        // The gate allowed `actOnBooking` in general; a coordinator acts only on bookings they coordinate.
        if case .denied(let why) = StaffPermissions.decide(role: session.role, staffID: session.account.id, action: .actOnBooking,
                                                           on: .booking(coordinatorID: booking.coordinatorID)) {
            try await audit(session, request, action: "staff.denied", details: ["wanted": StaffAction.actOnBooking.rawValue, "booking": publicID])
            return message(status: 403, heading: "Not allowed", text: why, session: session)
        }
        let client = StaffClient(request)
        let actor = "staff:\(session.account.id)"
        let back = "/admin/bookings/\(publicID)/timeline"
        switch action {
        case .note:
            let note: ClientTimelineForms.Note
            switch ClientTimelineForms.note(title: form["title"], body: form["body"]) {
            case .failure(let errors): return try await clientTimeline(publicID, session: session, now: now, status: 422, errors: errors, typed: form)
            case .success(let n): note = n
            }
            try await context.database.transaction { c in
                let id = try TimelineRepository.append(c, bookingID: booking.id, kind: "note", title: note.title, body: note.body,
                                                       data: try JSONB(encoding: ["by": actor]))
                try AuditLogQueries.record(c, actor: actor, action: "timeline.note", entity: "booking", entityID: publicID,
                                           details: ["portal_event": String(id), "title": note.title], ip: client.ip, userAgent: client.userAgent)
            }
            return Response.redirect(to: back)
        case .issueLink:
            let days: Int
            switch ClientTimelineForms.linkLifetime(days: form["days"]) {
            case .failure(let errors): return try await clientTimeline(publicID, session: session, now: now, status: 422, errors: errors, typed: form)
            case .success(let d): days = d
            }
            let site = context.configuration.siteURL
            let url = try await context.database.transaction { c in
                let url = try PortalAccess.issueLink(c, clientID: booking.clientID, issuedBy: actor, lifetime: TimeInterval(days) * 86_400,
                                                     siteURL: site, now: now)
                try AuditLogQueries.record(c, actor: actor, action: "portal.link_issued", entity: "booking", entityID: publicID,
                                           details: ["days": String(days)], ip: client.ip, userAgent: client.userAgent)
                return url
            }
            // Shown once, on this answer only: only its hash is stored.
            return try await clientTimeline(publicID, session: session, now: now, newLink: url)
        case .revokeLink:
            guard let id = form["link"].flatMap({ Int64($0) }) else {
                return try await clientTimeline(publicID, session: session, now: now, status: 422,
                                                errors: ValidationErrors(fields: ["form": "Pick a link to revoke. Reload the page."]))
            }
            let revoked = try await context.database.transaction { c in
                guard try ClientTimelineQueries.revokeLink(c, clientID: booking.clientID, tokenID: id) else { return false }
                try AuditLogQueries.record(c, actor: actor, action: "portal.link_revoked", entity: "booking", entityID: publicID,
                                           details: ["portal_token": String(id)], ip: client.ip, userAgent: client.userAgent)
                return true
            }
            guard revoked else {
                return try await clientTimeline(publicID, session: session, now: now, status: 422,
                                                errors: ValidationErrors(fields: ["form": "That link is already revoked or is not this client's."]))
            }
            return Response.redirect(to: back)
        }
    }
}
