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

    public init(context: AppContext, templates: AdminTemplates, hasher: PasswordHasher = .standard,
                throttle: SignInThrottlePolicy = SignInThrottlePolicy(), clock: @escaping @Sendable () -> Date = { Date() }) {
        self.context = context
        self.templates = templates
        auth = StaffAuth(sessions: StaffSessions(configuration: context.configuration), hasher: hasher, throttle: throttle)
        accounts = StaffAccounts(policy: StaffAccounts.policy(templatesDirectory: templates.directory), hasher: hasher,
                                 siteURL: context.configuration.siteURL)
        self.clock = clock
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

    /// Headers on every admin answer: nothing cached, no framing, no inline script or style.
    static func secure(_ response: inout Response) {
        if response.headers["cache-control"] == nil { response.headers.set("Cache-Control", "no-store") }
        response.headers.set("Content-Security-Policy",
                             "default-src 'none'; style-src 'self'; img-src 'self' data:; form-action 'self'; frame-ancestors 'none'; base-uri 'none'")
        response.headers.set("X-Content-Type-Options", "nosniff")
        response.headers.set("X-Frame-Options", "DENY")
        if response.headers["referrer-policy"] == nil { response.headers.set("Referrer-Policy", "same-origin") }
    }

    func respond(_ request: Request) async throws -> Response {
        let route = AdminRoute(path: Self.subpath(request))
        if route == .stylesheet { return stylesheet(request) }
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
        case .home: return home(session!)
        case .bookings: return try await bookings(request, session: session!)
        case .booking(let publicID): return try await booking(publicID, session: session!, flash: bookingNotice(request))
        case .bookingEvent(let publicID): return try await bookingEvent(publicID, request, session: session!)
        case .bookingDetails(let publicID): return try await bookingDetails(publicID, request, session: session!)
        case .proposal(let publicID): return try await proposalEditor(publicID, request, session: session!)
        case .tasks: return try await tasks(request, session: session!)
        case .taskDone(let id): return try await taskDone(id, request, session: session!)
        case .audit: return try await auditLog(request, session: session!)
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
    case bookingEvent(String), bookingDetails(String), proposal(String), tasks, taskDone(String)

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
        case ["audit"]: self = .audit
        case ["tasks"]: self = .tasks
        case ["assets", "admin.css"]: self = .stylesheet
        default:
            if parts.count == 3, parts[0] == "tasks", parts[2] == "done", parts[1].utf8.count <= 19, parts[1].utf8.allSatisfy({ (48...57).contains($0) }) {
                self = .taskDone(parts[1])
                return
            }
            guard parts.count >= 2, parts[0] == "bookings", parts[1].utf8.count <= 64,
                  parts[1].utf8.allSatisfy({ $0 == UInt8(ascii: "-") || $0 == UInt8(ascii: "_") || (48...57).contains($0) || (65...90).contains($0) || (97...122).contains($0) })
            else { return nil }
            switch parts.dropFirst(2).first {
            case nil where parts.count == 2: self = .booking(parts[1])
            case "event" where parts.count == 3: self = .bookingEvent(parts[1])
            case "details" where parts.count == 3: self = .bookingDetails(parts[1])
            case "proposal" where parts.count == 3: self = .proposal(parts[1])
            default: return nil
            }
        }
    }

    var access: Access {
        switch self {
        case .login, .setPassword, .stylesheet: .open
        case .signOut, .signOutEverywhere: .anySession
        case .twoFactor: .secondFactorStage
        case .twoFactorSetup: .enrolment
        case .home, .tasks, .taskDone: .staff(nil)
        case .bookings, .booking: .staff(.viewBookings)
        case .bookingEvent, .bookingDetails, .proposal: .staff(.actOnBooking)
        case .audit: .staff(.viewAudit)
        }
    }

    var methods: [String] {
        switch self {
        case .login, .twoFactor, .twoFactorSetup, .setPassword, .proposal: ["GET", "POST"]
        case .signOut, .signOutEverywhere: ["POST"]
        case .bookingEvent, .bookingDetails, .taskDone: ["POST"]
        default: ["GET"]
        }
    }
}
