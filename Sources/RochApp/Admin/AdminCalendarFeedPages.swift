import Foundation
import RochCore
import RochHTTP
import RochStore

/// A staff member's calendar feed (issue 18): a secret address their phone subscribes to, made,
/// replaced and revoked on /admin/calendar/feed; the feed itself at /admin/calendar/<secret>.ics.
extension AdminApp {
    /// GET /admin/calendar/feed: is there a live link, and the buttons. POST {csrf, action=create|revoke}:
    /// a new link (the old one stops working) shown once on the answer, or none; audited.
    func calendarFeedPage(_ request: Request, session: StaffSession, now: Date) async throws -> Response {
        let staffID = session.account.id
        var shownURL: String?
        var notice: String?
        var problem: String?
        if request.method == "POST" {
            let action = try request.form()["action"] ?? ""
            let client = StaffClient(request)
            let actor = "staff:\(staffID)"
            switch action {
            case "create":
                let secret = PortalAccess.newSecret()
                let replaced = try await context.database.transaction { c in
                    let replaced = try CalendarFeedRepository.create(c, staffID: staffID, hash: PortalAccess.hash(secret))
                    try AuditLogQueries.record(c, actor: actor, action: replaced ? "calendar_feed.replaced" : "calendar_feed.created",
                                               entity: "staff_user", entityID: String(staffID), details: [:], ip: client.ip, userAgent: client.userAgent)
                    return replaced
                }
                shownURL = Self.calendarFeedURL(siteURL: context.configuration.siteURL, secret: secret)
                notice = replaced ? "A new link is ready. The old one no longer works: subscribe again with this one." : "Your link is ready."
            case "revoke":
                let revoked = try await context.database.transaction { c in
                    let revoked = try CalendarFeedRepository.revoke(c, staffID: staffID)
                    if revoked {
                        try AuditLogQueries.record(c, actor: actor, action: "calendar_feed.revoked", entity: "staff_user", entityID: String(staffID),
                                                   details: [:], ip: client.ip, userAgent: client.userAgent)
                    }
                    return revoked
                }
                notice = revoked ? "The link is revoked: calendars subscribed to it get nothing new from now on." : nil
                problem = revoked ? nil : "There was no link to revoke."
            default:
                problem = "Pick one of the buttons below."
            }
        }
        let live = try await context.database.withConnection { c in try CalendarFeedRepository.live(c, staffID: staffID) }
        let scope = CalendarFeedScope.of(role: session.role, staffID: staffID)
        return templates.response(AdminPage("calendar-feed", title: "Calendar on your phone", status: problem == nil ? 200 : 422, current: "home", values: [
            "feedURL": shownURL as Any,
            "webcalURL": shownURL.map(Self.webcal) as Any,
            "notice": notice as Any, "problem": problem as Any,
            "live": live.map { l -> [String: Any] in
                ["created": NotificationFormat.date(IST.day(of: l.createdAt)), "fetches": l.fetches,
                 "lastFetched": l.lastFetchedAt.map { NotificationFormat.date(IST.day(of: $0)) } as Any]
            } as Any,
            "scope": scope == .all ? "every booking's event" : "the events of the bookings you coordinate",
        ]), session: session)
    }

    /// GET /admin/calendar/<secret>.ics, no session: the owner's events and payment due dates as
    /// iCalendar. Unknown, malformed or revoked secrets get the same 404 as any unknown address.
    func calendarFeed(_ secret: String, request: Request, now: Date) async throws -> Response {
        guard PortalAccess.isWellFormed(secret) else { throw HTTPError.notFound("There is no staff page at this address.") }
        let today = IST.day(of: now)
        let window = StaffCalendarFeed.window(today: today)
        let found = try await context.database.transaction { c -> (name: String, events: [CalendarFeedEvent], payments: [CalendarFeedPayment])? in
            guard let owner = try CalendarFeedRepository.use(c, hash: PortalAccess.hash(secret)) else { return nil }
            let scope = CalendarFeedScope.of(role: owner.role, staffID: owner.staffID)
            return (owner.name, try CalendarFeedRepository.events(c, scope: scope, from: window.from, through: window.through),
                    try CalendarFeedRepository.payments(c, scope: scope, from: window.from, through: window.through))
        }
        guard let found else { throw HTTPError.notFound("There is no staff page at this address.") }
        let entries = StaffCalendarFeed.entries(events: found.events, payments: found.payments, siteURL: context.configuration.siteURL)
        let body = CalendarFeed.document(name: "Roch Events: \(found.name)", entries: entries, stamp: now)
        var r = Response(status: 200, contentType: "text/calendar; charset=utf-8", body: Array(body.utf8))
        r.headers.set("Cache-Control", "private, no-store")
        r.headers.set("Referrer-Policy", "no-referrer")
        return r
    }

    static func calendarFeedURL(siteURL: String, secret: String) -> String { "\(siteURL)/admin/calendar/\(secret).ics" }

    /// The same address for "Subscribe" links on phones: webcal:// (https and http alike).
    static func webcal(_ url: String) -> String {
        for scheme in ["https://", "http://"] where url.hasPrefix(scheme) { return "webcal://" + url.dropFirst(scheme.count) }
        return url
    }
}
