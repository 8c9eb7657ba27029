import Foundation
import RochCore
import RochHTTP
import RochStore

extension FunctionDefinition {
    /// `/admin/...`: the team's pages, server-rendered HTML (templates in site/admin).
    public static let admin = FunctionDefinition(name: "admin") {
        let context = try AppContext.shared()
        let env = AppContext.environment()
        let templates = try AdminTemplates(directory: AdminTemplates.defaultDirectory(environment: env))
        let app = AdminApp(context: context, templates: templates, hasher: PasswordHasher.from(environment: env))
        return { request in await app.handle(request) }
    }
}

/// The admin function: routes, the one gate every request passes (session, stage, CSRF, permission),
/// then the page handlers in AdminSignInPages and AdminBookingPages.
public struct AdminApp: Sendable {
    let context: AppContext
    let templates: AdminTemplates
    let auth: StaffAuth
    let accounts: StaffAccounts
    let clock: @Sendable () -> Date
    /// The dashboards' live updates: the portal's hub (one LISTEN per process), and its stream timings.
    let live: PortalEventHub
    let liveSettings: PortalStreamSettings

    public init(context: AppContext, templates: AdminTemplates, hasher: PasswordHasher = .standard,
                throttle: SignInThrottlePolicy = SignInThrottlePolicy(), clock: @escaping @Sendable () -> Date = { Date() }) {
        self.context = context
        self.templates = templates
        auth = StaffAuth(sessions: StaffSessions(configuration: context.configuration), hasher: hasher, throttle: throttle)
        accounts = StaffAccounts(policy: StaffAccounts.policy(templatesDirectory: templates.directory), hasher: hasher,
                                 siteURL: context.configuration.siteURL)
        self.clock = clock
        liveSettings = PortalStreamSettings.from(environment: ProcessInfo.processInfo.environment)
        live = PortalEventHub(database: context.database, url: context.configuration.databaseURL, heartbeat: liveSettings.heartbeat)
    }

    /// Answers every request; errors become pages (or JSON for JSON clients), never a crash.
    public func handle(_ request: Request) async -> Response {
        var response: Response
        do {
            response = try await respond(request)
        } catch let error as HTTPError where !ErrorResponder.wantsJSON(request) && error.status < 500 {
            response = message(status: error.status, heading: HTTPStatus.reason(error.status), text: error.message, session: nil)
            for (name, value) in error.headers { response.headers.set(name, value) }
        } catch {
            response = ErrorResponder.response(for: error, request: request)
        }
        Self.secure(&response)
        return response
    }

    /// Headers on every admin answer: nothing cached, no framing, no inline script or style (the one
    /// script is the dashboard's own file, which re-fetches its panels when told something changed).
    static func secure(_ response: inout Response) {
        if response.headers["cache-control"] == nil { response.headers.set("Cache-Control", "no-store") }
        response.headers.set("Content-Security-Policy",
                             "default-src 'none'; script-src 'self'; connect-src 'self'; style-src 'self'; img-src 'self' data:; form-action 'self'; frame-ancestors 'none'; base-uri 'none'")
        response.headers.set("X-Content-Type-Options", "nosniff")
        response.headers.set("X-Frame-Options", "DENY")
        if response.headers["referrer-policy"] == nil { response.headers.set("Referrer-Policy", "same-origin") }
    }

    func respond(_ request: Request) async throws -> Response {
        let route = AdminRoute(path: Self.subpath(request))
        if route == .stylesheet { return stylesheet(request) }
        if route == .dashboardScript { return dashboardScript(request) }
        let now = clock()
        let auth = self.auth
        let secret = StaffSessions.secret(in: request)
        let session = try await context.database.withConnection { c in try auth.sessions.current(c, secret: secret, now: now) }

        // 1. Who is asking: no session -> sign in first (every address, known or not).
        guard let route else {
            guard session != nil else { return signInRequired(request) }
            throw HTTPError.notFound("There is no staff page at this address.")
        }
        guard route.methods.contains(request.method) || (request.method == "HEAD" && route.methods.contains("GET")) else {
            throw HTTPError.methodNotAllowed(route.methods)
        }
        if route.access != .open, session == nil { return signInRequired(request) }
        // 2. Forms: the CSRF token of the session (or, before sign-in, of the form cookie).
        if request.method == "POST" {
            let form = try request.form()
            let expected = route.access == .open ? request.cookies[Self.formCookie] : session?.csrfToken
            guard let expected, let sent = form["csrf"],
                  OneTimePassword.constantTimeEqual(Array(expected.utf8), Array(sent.utf8)) else {
                return message(status: 403, heading: "This form has expired",
                               text: "The form did not carry this browser's security token, so nothing was done. Go back, reload the page and send it again.",
                               session: session?.stage == .signedIn ? session : nil)
            }
        }
        // 3. Sign-in stage and permission, from the route's one line in AdminRoute.access.
        switch route.access {
        case .open:
            break
        case .anySession:
            guard session != nil else { return signInRequired(request) }
        case .secondFactorStage:
            guard let session else { return signInRequired(request) }
            if session.stage != .secondFactor { return Response.redirect(to: stageHome(session.stage, next: nil)) }
        case .enrolment:
            guard let session else { return signInRequired(request) }
            if session.stage == .secondFactor { return Response.redirect(to: stageHome(session.stage, next: nil)) }
        case .staff(let action):
            guard let session else { return signInRequired(request) }
            guard session.stage == .signedIn else {
                return Response.redirect(to: stageHome(session.stage, next: Self.returnPath(request)))
            }
            if let action, case .denied(let why) = StaffPermissions.decide(role: session.role, staffID: session.account.id, action: action) {
                try await audit(session, request, action: "staff.denied", details: ["wanted": action.rawValue, "path": String(request.path.prefix(200))])
                return message(status: 403, heading: "Not allowed", text: why, session: session)
            }
        }
        return try await dispatch(route, request: request, session: session, now: now)
    }

    func dispatch(_ route: AdminRoute, request: Request, session: StaffSession?, now: Date) async throws -> Response {
        switch route {
        case .login: return try await login(request, session: session, now: now)
        case .twoFactor: return try await twoFactor(request, session: session!, now: now)
        case .twoFactorSetup: return try await twoFactorSetup(request, session: session!, now: now)
        case .setPassword: return try await setPassword(request, now: now)
        case .signOut, .signOutEverywhere: return try await signOut(request, session: session!, everywhere: route == .signOutEverywhere)
        case .home: return try await dashboard(request, session: session!, now: now)
        case .calendar: return try await calendarPage(request, session: session!, now: now)
        case .calendarFeedPage: return try await calendarFeedPage(request, session: session!, now: now)
        case .calendarFeed(let secret): return try await calendarFeed(secret, request: request, now: now)
        case .messages: return try await messagesPage(request, session: session!)
        case .dashboardCSV(let name): return try await dashboardCSV(name, session: session!, now: now)
        case .dashboardList(let panel): return try await dashboardList(panel, request: request, session: session!, now: now)
        case .remind(let milestone): return try await remind(milestone, request: request, session: session!, now: now)
        case .retryMessage(let id): return try await retryMessage(id, request: request, session: session!)
        case .dashboardEvents: return dashboardEvents(request, session: session!)
        case .dashboardScript: return dashboardScript(request)
        case .exports: return try exportsPage(request, session: session!, now: now)
        case .exportDownload: return try await exportCSV(try request.query()["kind"] ?? "", request: request, session: session!, now: now)
        case .bookings: return try await bookings(request, session: session!)
        case .booking(let publicID): return try await booking(publicID, session: session!, flash: bookingNotice(request))
        case .bookingEvent(let publicID): return try await bookingEvent(publicID, request, session: session!)
        case .bookingDetails(let publicID): return try await bookingDetails(publicID, request, session: session!)
        case .clientDetails(let publicID): return try await clientDetails(publicID, request, session: session!)
        case .clientAdopt(let publicID): return try await adoptSubmittedContact(publicID, request, session: session!)
        case .newBooking: return try await newBooking(request, session: session!)
        case .payments(let publicID): return try await paymentsDesk(publicID, request: request, session: session!, now: now)
        case .paymentAction(let publicID, let action): return try await paymentAction(action, publicID, request: request, session: session!, now: now)
        case .proposal(let publicID): return try await proposalEditor(publicID, request, session: session!)
        case .timeline(let publicID): return try await clientTimeline(publicID, session: session!, now: now)
        case .timelineAction(let publicID, let action): return try await timelineAction(action, publicID, request: request, session: session!, now: now)
        case .tasks: return try await tasks(request, session: session!)
        case .taskDone(let id): return try await taskDone(id, request, session: session!)
        case .audit: return try await auditLog(request, session: session!)
        case .bookingDocuments(let publicID): return try await bookingDocuments(publicID, session: session!)
        case .bookingDocument(let publicID, let document): return try await bookingDocument(publicID, document, request: request, session: session!)
        case .documentExports: return try await documentExports(session: session!)
        case .documentExport(let year): return try await documentExport(year, request: request, session: session!)
        case .vendors, .vendorAdd, .vendor, .vendorEdit, .vendorPayout, .vendorPayables, .vendorPaymentsCSV,
             .bookingVendors, .bookingVendorChange, .bookingVendorPayment:
            return try await vendorDesk(route, request: request, session: session!, now: now)
        case .stylesheet: return stylesheet(request)
        }
    }

    /// Where a half-signed-in session must go next.
    func stageHome(_ stage: StaffSessionStage, next: String?) -> String {
        let suffix = next.map { "?next=" + FormData.encodeComponent($0) } ?? ""
        switch stage {
        case .secondFactor: return "/admin/login/two-factor" + suffix
        case .enrolSecondFactor: return "/admin/two-factor/setup" + suffix
        case .signedIn: return next ?? AdminReturnPath.home
        }
    }

    /// Pages: 303 to the sign-in form, coming back here after; JSON clients: 401.
    func signInRequired(_ request: Request) -> Response {
        if ErrorResponder.wantsJSON(request) {
            var r = ErrorResponder.response(for: HTTPError.unauthorized("Sign in at /admin/login first."), request: request)
            r.headers.set("WWW-Authenticate", "Cookie realm=\"Roch Events staff\"")
            return r
        }
        let back = Self.returnPath(request)
        return Response.redirect(to: back == AdminReturnPath.home ? "/admin/login" : "/admin/login?next=" + FormData.encodeComponent(back))
    }

    /// This request's address as a safe place to come back to (GET only: a form is not repeated).
    static func returnPath(_ request: Request) -> String {
        guard request.method == "GET" else { return AdminReturnPath.home }
        let full = request.path + (request.queryString.isEmpty ? "" : "?" + request.queryString)
        return AdminReturnPath.sanitise(full)
    }

    /// The path below `/admin` (CGI `PATH_INFO`, or the full path under the dev server).
    static func subpath(_ request: Request) -> String {
        if !request.pathInfo.isEmpty { return request.pathInfo }
        return request.path.hasPrefix("/admin") ? String(request.path.dropFirst(6)) : request.path
    }

    func stylesheet(_ request: Request) -> Response {
        var r = Response(status: 200, contentType: "text/css; charset=utf-8", body: templates.stylesheet)
        r.headers.set("Cache-Control", "public, max-age=86400")
        return r
    }

    func message(status: Int, heading: String, text: String, session: StaffSession?, detail: String? = nil) -> Response {
        let signedIn = session?.stage == .signedIn ? session : nil
        return templates.response(AdminPage("message", title: heading, status: status, values: [
            "heading": heading, "message": text, "detail": detail as Any,
            "backURL": signedIn == nil ? "/admin/login" : "/admin/", "backLabel": signedIn == nil ? "Go to sign-in" : "Go to the staff home page",
        ]), session: signedIn)
    }

    func audit(_ session: StaffSession, _ request: Request, action: String, details: [String: String]) async throws {
        let client = StaffClient(request)
        try await context.database.withConnection { c in
            try AuditLogQueries.record(c, actor: "staff:\(session.account.id)", action: action, entity: "staff_user",
                                       entityID: String(session.account.id), details: details, ip: client.ip, userAgent: client.userAgent)
        }
    }

    /// The cookie that carries the CSRF token of the forms shown before sign-in (login, set password).
    static let formCookie = "__Host-roch_staff_form"
}

/// Every admin address and who may open it: the one table the gate in `AdminApp.respond` reads.
enum AdminRoute: Equatable {
    case login, twoFactor, twoFactorSetup, setPassword, signOut, signOutEverywhere
    case home, bookings, booking(String), audit, stylesheet
    case calendar, messages, dashboardCSV(String), dashboardList(DashboardListPanel), remind(String), retryMessage(Int64), dashboardEvents, dashboardScript, exports, exportDownload
    case bookingEvent(String), bookingDetails(String)
    case clientDetails(String), clientAdopt(String), newBooking
    case payments(String), paymentAction(String, PaymentDeskAction)
    case bookingDocuments(String), bookingDocument(String, String), documentExports, documentExport(FinancialYear)
    case proposal(String)
    case timeline(String), timelineAction(String, TimelineAction)
    case vendors, vendorAdd, vendor(Int64), vendorEdit(Int64), vendorPayout(Int64), vendorPayables, vendorPaymentsCSV
    case bookingVendors(String), bookingVendorChange(String), bookingVendorPayment(String)
    case tasks, taskDone(String)
    case calendarFeedPage, calendarFeed(String)

    enum Access: Equatable {
        /// No session needed (sign-in, set password); POSTs carry the form cookie's token.
        case open
        case anySession
        case secondFactorStage
        /// A session past its second factor or setting one up.
        case enrolment
        /// Signed in fully, and allowed `action` by StaffPermissions (nil: any signed-in staff member).
        case staff(StaffAction?)
    }

    init?(path: String) {
        let parts = path.split(separator: "/", omittingEmptySubsequences: true).map(String.init)
        switch parts {
        case []: self = .home
        case ["login"]: self = .login
        case ["login", "two-factor"]: self = .twoFactor
        case ["two-factor", "setup"]: self = .twoFactorSetup
        case ["set-password"]: self = .setPassword
        case ["sign-out"]: self = .signOut
        case ["sign-out-everywhere"]: self = .signOutEverywhere
        case ["bookings"]: self = .bookings
        case ["bookings", "new"]: self = .newBooking
        case ["audit"]: self = .audit
        case ["tasks"]: self = .tasks
        case ["assets", "admin.css"]: self = .stylesheet
        case ["calendar"]: self = .calendar
        case ["calendar", "feed"]: self = .calendarFeedPage
        case _ where parts.count == 2 && parts[0] == "calendar" && parts[1].hasSuffix(".ics"): self = .calendarFeed(String(parts[1].dropLast(4)))
        case ["messages"]: self = .messages
        case ["dashboard", "events"]: self = .dashboardEvents
        case _ where parts.count == 2 && parts[0] == "dashboard" && DashboardListPanel(rawValue: parts[1]) != nil: self = .dashboardList(DashboardListPanel(rawValue: parts[1])!)
        case ["exports"]: self = .exports
        case ["exports", "download"]: self = .exportDownload
        case ["exports", "documents"]: self = .documentExports
        case ["assets", "dashboard.js"]: self = .dashboardScript
        case _ where parts.count == 2 && parts[0] == "dashboard" && ["revenue-months.csv", "revenue-quarters.csv", "cash-flow.csv"].contains(parts[1]): self = .dashboardCSV(String(parts[1].dropLast(4)))
        case _ where parts.count == 3 && parts[0] == "milestones" && parts[2] == "remind" && Self.isPublicID(parts[1]): self = .remind(parts[1])
        case _ where parts.count == 3 && parts[0] == "messages" && parts[2] == "retry" && Int64(parts[1]).map({ $0 > 0 }) == true: self = .retryMessage(Int64(parts[1])!)
        case ["vendors"]: self = .vendors
        case ["vendors", "new"]: self = .vendorAdd
        case ["vendors", "payables"]: self = .vendorPayables
        case ["vendors", "payments.csv"]: self = .vendorPaymentsCSV
        default:
            if parts.count == 3, parts[0] == "tasks", parts[2] == "done", parts[1].utf8.count <= 19, parts[1].utf8.allSatisfy({ (48...57).contains($0) }) {
                self = .taskDone(parts[1])
                return
            }
            if parts.count == 2, parts[0] == "exports", let year = DocumentExport.year(fileName: parts[1]) { self = .documentExport(year); return }
            guard parts.count >= 2, let route = Self.vendorRoute(parts) ?? Self.bookingRoute(parts) else { return nil }
            self = route
        }
    }

    /// /vendors/<number>[/edit|/payout]
    static func vendorRoute(_ p: [String]) -> AdminRoute? {
        guard p[0] == "vendors", p.count <= 3, let id = vendorID(p[1]) else { return nil }
        switch p.count == 3 ? p[2] : "" {
        case "": return .vendor(id)
        case "edit": return .vendorEdit(id)
        case "payout": return .vendorPayout(id)
        default: return nil
        }
    }

    /// /bookings/<public id>[/event|/details|/proposal|/payments[/action]|/timeline[/action]|/documents[/id]|/vendors[/change|/payment]]
    static func bookingRoute(_ p: [String]) -> AdminRoute? {
        guard p[0] == "bookings", isPublicID(p[1]) else { return nil }
        switch Array(p.dropFirst(2)) {
        case []: return .booking(p[1])
        case ["event"]: return .bookingEvent(p[1])
        case ["details"]: return .bookingDetails(p[1])
        case ["client"]: return .clientDetails(p[1])
        case ["client", "adopt"]: return .clientAdopt(p[1])
        case ["proposal"]: return .proposal(p[1])
        case ["payments"]: return .payments(p[1])
        case ["timeline"]: return .timeline(p[1])
        case let tail where tail.count == 2 && tail[0] == "timeline":
            guard let action = TimelineAction(rawValue: tail[1]) else { return nil }
            return .timelineAction(p[1], action)
        case let tail where tail.count == 2 && tail[0] == "payments":
            guard let action = PaymentDeskAction(rawValue: tail[1]) else { return nil }
            return .paymentAction(p[1], action)
        case ["documents"]: return .bookingDocuments(p[1])
        case let tail where tail.count == 2 && tail[0] == "documents" && Self.isPublicID(tail[1]): return .bookingDocument(p[1], tail[1])
        case ["vendors"]: return .bookingVendors(p[1])
        case ["vendors", "change"]: return .bookingVendorChange(p[1])
        case ["vendors", "payment"]: return .bookingVendorPayment(p[1])
        default: return nil
        }
    }

    /// Letters, digits, '-' and '_', at most 64: what a booking's or document's public id can be.
    static func isPublicID(_ s: String) -> Bool {
        s.utf8.count <= 64 && !s.isEmpty
            && s.utf8.allSatisfy({ $0 == UInt8(ascii: "-") || $0 == UInt8(ascii: "_") || (48...57).contains($0) || (65...90).contains($0) || (97...122).contains($0) })
    }

    static func vendorID(_ s: String) -> Int64? {
        s.utf8.count <= 18 && s.utf8.allSatisfy({ (48...57).contains($0) }) ? Int64(s) : nil
    }

    var access: Access {
        switch self {
        case .login, .setPassword, .stylesheet, .dashboardScript, .calendarFeed: .open
        case .calendarFeedPage: .staff(nil)
        case .signOut, .signOutEverywhere: .anySession
        case .twoFactor: .secondFactorStage
        case .twoFactorSetup: .enrolment
        case .home, .tasks, .taskDone, .calendar, .messages, .remind, .retryMessage, .dashboardEvents, .dashboardList: .staff(nil)
        case .dashboardCSV: .staff(.viewBookings)
        case .bookings, .booking, .payments, .timeline, .bookingDocuments, .bookingDocument: .staff(.viewBookings)
        case .bookingEvent, .bookingDetails, .proposal, .timelineAction: .staff(.actOnBooking)
        case .paymentAction: .staff(.moneyActions)
        case .clientDetails, .clientAdopt: .staff(.editClient)
        case .newBooking: .staff(.enterBooking)
        case .exports, .exportDownload: .staff(.exports)
        case .documentExports, .documentExport: .staff(.exports)
        case .audit: .staff(.viewAudit)
        case .vendors, .vendor, .bookingVendors: .staff(.viewBookings)
        case .vendorAdd, .vendorEdit, .bookingVendorChange: .staff(.vendorActions)
        case .vendorPayout: .staff(.vendorBankDetails)
        case .vendorPayables, .bookingVendorPayment: .staff(.moneyActions)
        case .vendorPaymentsCSV: .staff(.exports)
        }
    }

    var methods: [String] {
        switch self {
        case .login, .twoFactor, .twoFactorSetup, .setPassword, .proposal, .calendarFeedPage: ["GET", "POST"]
        case .clientDetails, .newBooking: ["GET", "POST"]
        case .signOut, .signOutEverywhere, .remind, .retryMessage, .paymentAction, .timelineAction: ["POST"]
        case .vendorAdd, .vendorEdit, .vendorPayout, .bookingVendorChange, .bookingVendorPayment: ["POST"]
        case .bookingEvent, .bookingDetails, .taskDone, .clientAdopt: ["POST"]
        default: ["GET"]
        }
    }
}
