import Foundation
import RochCore
import RochHTTP
import RochStore

extension FunctionDefinition {
    /// `/api/portal/...`: the client portal's data (JSON) and its magic-link sign-in.
    /// Body limit: one client upload (ClientUploadRules.maxFileBytes, 10 MiB) plus 64 KiB for the form around it.
    public static let portal = FunctionDefinition(name: "portal", maxBodyBytes: ClientUploadRules.maxFileBytes + 65_536) {
        let api = PortalAPI(context: try AppContext.shared())
        return { request in try await api.handle(request) }
    }
}

/// The portal function's routes. Every data route needs a live session; bookings are looked up
/// by public id *and* the session's client, so another client's booking is a plain 404.
public struct PortalAPI: Sendable {
    let context: AppContext
    let views: PortalViews
    let linkRequests: PortalLinkRequests

    public init(context: AppContext, limits: PortalLinkRequests.Limits = .from(environment: ProcessInfo.processInfo.environment)) {
        self.context = context
        views = PortalViews(configuration: context.configuration)
        linkRequests = PortalLinkRequests(context: context, limits: limits)
    }

    public func handle(_ request: Request) async throws -> Response {
        let parts = Self.route(request).split(separator: "/", omittingEmptySubsequences: true).map(String.init)
        let route = Route(parts)
        guard let route else { throw HTTPError.notFound() }
        if case .uploads = route {
            switch request.method {
            case "POST": return try await createUpload(request)
            case "GET", "HEAD": return try await uploads(request)
            default: throw HTTPError.methodNotAllowed(["GET", "POST"])
            }
        }
        guard request.method == route.method || (route.method == "GET" && request.method == "HEAD") else {
            throw HTTPError.methodNotAllowed([route.method])
        }
        switch route {
        case .session: return try await session(request)
        case .link: return try await linkRequests.handle(request)
        case .open: return try await open(request)
        case .signOut: return try await signOut(request)
        case .bookings: return try await bookings(request)
        case .booking(let id): return try await booking(request, publicID: id)
        case .proposal(let id, let proposal): return try await proposalPage(request, publicID: id, proposal: proposal)
        case .documents: return try await documents(request)
        case .document(let id): return try await document(request, publicID: id)
        case .uploads: return try await uploads(request)
        case .upload(let id): return try await upload(request, publicID: id)
        }
    }

    /// The portal's addresses below `/api/portal`.
    enum Route {
        case session, link, open, signOut, bookings, documents, uploads
        case upload(String)
        case booking(String)
        case document(String)
        case proposal(booking: String, proposal: String)

        init?(_ parts: [String]) {
            switch parts.count {
            case 1:
                switch parts[0] {
                case "session": self = .session
                case "link": self = .link
                case "open": self = .open
                case "sign-out": self = .signOut
                case "bookings": self = .bookings
                case "documents": self = .documents
                case "uploads": self = .uploads
                default: return nil
                }
            case 2 where parts[0] == "bookings": self = .booking(parts[1])
            case 2 where parts[0] == "documents": self = .document(parts[1])
            case 2 where parts[0] == "uploads": self = .upload(parts[1])
            case 4 where parts[0] == "bookings" && parts[2] == "proposals": self = .proposal(booking: parts[1], proposal: parts[3])
            default: return nil
            }
        }

        var method: String {
            switch self {
            case .link, .signOut: return "POST"
            default: return "GET"
            }
        }
    }

    /// The path below `/api/portal` (CGI `PATH_INFO`, or the full path under the dev server).
    static func route(_ request: Request) -> String {
        if !request.pathInfo.isEmpty { return request.pathInfo }
        let prefix = "/api/portal"
        return request.path.hasPrefix(prefix) ? String(request.path.dropFirst(prefix.count)) : request.path
    }

    func session(_ request: Request) async throws -> Response {
        let view: PortalSessionView = try await context.database.withConnection { c in
            guard let s = try PortalAccess.session(for: request, on: c) else {
                return PortalSessionView(signedIn: false, clientName: nil, expiresAt: nil)
            }
            return PortalSessionView(signedIn: true, clientName: try ClientRepository.find(c, id: s.clientID)?.name, expiresAt: s.expiresAt)
        }
        return Self.private(try Response.json(view))
    }

    /// The magic link: a valid token opens a session (cookie) and sends the browser to /portal/
    /// without the token in the address bar or history; anything else lands on the sign-in form.
    func open(_ request: Request) async throws -> Response {
        let token = try request.query()["token"] ?? ""
        let opened = try await context.database.withConnection { c in try PortalAccess.open(c, linkSecret: token) }
        guard let opened else {
            var response = Response.redirect(to: "/portal/?signin=expired")
            response.headers.set("Referrer-Policy", "no-referrer")
            return Self.private(response)
        }
        var response = Response.redirect(to: "/portal/")
        try response.setCookie(PortalAccess.cookie(secret: opened.secret, request: request))
        response.headers.set("Referrer-Policy", "no-referrer")
        return Self.private(response)
    }

    func signOut(_ request: Request) async throws -> Response {
        try await context.database.withConnection { c in
            if let s = try PortalAccess.session(for: request, on: c) { try PortalAccessRepository.revokeSession(c, id: s.id) }
        }
        var response = ErrorResponder.wantsJSON(request) ? Response(status: 204) : Response.redirect(to: "/portal/?signin=signed-out")
        try response.setCookie(PortalAccess.clearedCookie(request: request))
        return Self.private(response)
    }

    func bookings(_ request: Request) async throws -> Response {
        let views = self.views
        let list = try await context.database.withConnection { c in
            guard let s = try PortalAccess.session(for: request, on: c) else { throw PortalAccess.signInRequired }
            return try views.list(c, clientID: s.clientID)
        }
        return Self.private(try Response.json(list))
    }

    func booking(_ request: Request, publicID: String) async throws -> Response {
        let views = self.views
        let today = IST.day(of: Date())
        let detail = try await context.database.withConnection { c in
            guard let s = try PortalAccess.session(for: request, on: c) else { throw PortalAccess.signInRequired }
            guard let d = try views.detail(c, clientID: s.clientID, publicID: publicID, today: today) else { throw Self.noSuchBooking }
            return d
        }
        return Self.private(try Response.json(detail))
    }

    /// A proposal as a small printable page (the portal's "documents").
    func proposalPage(_ request: Request, publicID: String, proposal: String) async throws -> Response {
        let page: String = try await context.database.withConnection { c in
            guard let s = try PortalAccess.session(for: request, on: c) else { throw PortalAccess.signInRequired }
            guard let b = try PortalRepository.booking(c, clientID: s.clientID, publicID: publicID),
                  let p = try ProposalDrafts.current(c, bookingID: b.id, publicID: proposal, clientVisibleOnly: true) else { throw Self.noSuchBooking }
            let event = EventType(rawValue: b.eventType)?.label ?? b.eventType
            let revised = try ProposalRevisions.isRevision(c, bookingID: b.id, proposalID: p.id)
            return """
                <!doctype html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
                <title>Proposal: \(htmlEscape(event)), \(htmlEscape(NotificationFormat.date(b.eventDate)))</title></head><body>
                <h1>\(revised ? "Your revised proposal" : "Your proposal")</h1>
                \(revised ? "<p><strong>This proposal was revised:</strong> it replaces the one we sent you earlier. Payments you have made are counted.</p>" : "")
                <p>\(htmlEscape(event)) on \(htmlEscape(NotificationFormat.date(b.eventDate))) in \(htmlEscape(b.city))</p>
                <p>Total (including GST): <strong>\(htmlEscape(p.total.inr))</strong></p>
                \(ProposalView.html(p.draft))
                <p><a href="/portal/">Back to your portal</a></p></body></html>
                """
        }
        return Self.private(Response.html(page))
    }

    static let noSuchBooking = HTTPError.notFound("We could not find that booking among yours.")

    /// Portal answers are personal: never stored by shared caches.
    static func `private`(_ response: Response) -> Response {
        var r = response
        r.headers.set("Cache-Control", "private, no-store")
        return r
    }
}
