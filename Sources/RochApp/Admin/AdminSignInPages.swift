import Foundation
import RochCore
import RochHTTP
import RochStore

/// Sign-in, two-step sign-in, its set-up, set-password links and sign-out.
extension AdminApp {
    static let notices = [
        "signed-out": "You are signed out.",
        "signed-out-everywhere": "You are signed out on every device.",
        "password-set": "Your password is saved. Sign in with it.",
    ]

    func login(_ request: Request, session: StaffSession?, now: Date) async throws -> Response {
        let query = try request.query()
        if request.method != "POST" {
            let next = AdminReturnPath.sanitise(query["next"])
            if let session, session.stage == .signedIn { return Response.redirect(to: next) }
            return try loginForm(request, next: next, email: "", error: nil, notice: query["notice"].flatMap { Self.notices[$0] })
        }
        let form = try request.form()
        let next = AdminReturnPath.sanitise(form["next"])
        let email = form["email"] ?? "", password = form["password"] ?? ""
        let client = StaffClient(request)
        let auth = self.auth
        let outcome = try await context.database.withConnection { c in
            let outcome = try auth.signIn(c, email: email, password: password, client: client, now: now)
            // whatever this browser held before is worthless now (no fixation, no stale half-way session)
            if case .session = outcome, let old = session { try StaffSessionRepository.revoke(c, hash: old.tokenHash) }
            return outcome
        }
        switch outcome {
        case .session(let secret, let stage):
            var r = Response.redirect(to: stageHome(stage, next: next))
            try r.setCookie(StaffSessions.cookie(secret: secret))
            return r
        case .refused(let why):
            return try loginForm(request, next: next, email: email, error: why, status: 401)
        case .locked(let until):
            var r = try loginForm(request, next: next, email: email, error: Self.lockedMessage(until: until, now: now), status: 429)
            r.headers.set("Retry-After", String(max(1, Int(until.timeIntervalSince(now)))))
            return r
        }
    }

    static func lockedMessage(until: Date, now: Date) -> String {
        let minutes = max(1, Int((until.timeIntervalSince(now) / 60).rounded(.up)))
        return "Too many failed sign-ins. Sign-in is paused for \(minutes) minute\(minutes == 1 ? "" : "s"); the owner can lift it sooner with `roch staff unlock`."
    }

    func loginForm(_ request: Request, next: String, email: String, error: String?, notice: String? = nil, status: Int = 200) throws -> Response {
        try withFormToken(request) { token in
            templates.response(AdminPage("login", title: "Sign in", status: status, values: [
                "next": next, "email": email, "error": error as Any, "notice": notice as Any,
            ]), session: nil, formToken: token)
        }
    }

    /// Renders a pre-sign-in form with the token of this browser's form cookie (set now if it had none).
    func withFormToken(_ request: Request, _ render: (String) throws -> Response) throws -> Response {
        if let existing = request.cookies[Self.formCookie], PortalAccess.isWellFormed(existing) { return try render(existing) }
        let token = PortalAccess.newSecret()
        var r = try render(token)
        try r.setCookie(SetCookie(name: Self.formCookie, value: token, path: "/", httpOnly: true, secure: true, sameSite: .strict))
        return r
    }

    func twoFactor(_ request: Request, session: StaffSession, now: Date) async throws -> Response {
        if request.method != "POST" {
            let next = AdminReturnPath.sanitise(try request.query()["next"])
            return templates.response(AdminPage("two-factor", title: "Two-step sign-in", values: ["next": next]), session: session)
        }
        let form = try request.form()
        let next = AdminReturnPath.sanitise(form["next"])
        let code = form["code"] ?? ""
        let client = StaffClient(request)
        let auth = self.auth
        let outcome = try await context.database.withConnection { c in try auth.secondFactor(c, session: session, code: code, client: client, now: now) }
        switch outcome {
        case .session(let secret, _):
            var r = Response.redirect(to: next)
            try r.setCookie(StaffSessions.cookie(secret: secret))
            return r
        case .refused(let why):
            return templates.response(AdminPage("two-factor", title: "Two-step sign-in", status: 401, values: ["next": next, "error": why]), session: session)
        case .locked(let until):
            var r = templates.response(AdminPage("two-factor", title: "Two-step sign-in", status: 429,
                                                 values: ["next": next, "error": Self.lockedMessage(until: until, now: now)]), session: session)
            r.headers.set("Retry-After", String(max(1, Int(until.timeIntervalSince(now)))))
            return r
        }
    }

    func twoFactorSetup(_ request: Request, session: StaffSession, now: Date) async throws -> Response {
        if session.account.totpEnabled {
            return message(status: 200, heading: "Two-step sign-in is on", text: "Your account already signs in with a code from your authenticator app.",
                           session: session)
        }
        let auth = self.auth
        if request.method != "POST" {
            let next = AdminReturnPath.sanitise(try request.query()["next"])
            let secret = try await context.database.withConnection { c in try auth.enrolmentSecret(c, session: session) }
            return setupPage(session: session, secret: secret, next: next, error: nil)
        }
        let form = try request.form()
        let next = AdminReturnPath.sanitise(form["next"])
        let code = form["code"] ?? ""
        let client = StaffClient(request)
        let confirmed = try await context.database.withConnection { c in
            try auth.confirmEnrolment(c, session: session, code: code, client: client, now: now)
        }
        guard let confirmed else {
            return setupPage(session: session, secret: session.account.totpSecret ?? [], next: next, status: 422,
                             error: "That code does not match. Check the app shows Roch Events and type the code it shows now.")
        }
        var r = templates.response(AdminPage("recovery-codes", title: "Recovery codes", values: ["codes": confirmed.recoveryCodes, "next": next]),
                                   session: nil)
        try r.setCookie(StaffSessions.cookie(secret: confirmed.secret))
        return r
    }

    func setupPage(session: StaffSession, secret: [UInt8], next: String, status: Int = 200, error: String?) -> Response {
        let uri = OneTimePassword.provisioningURI(secret: secret, account: session.account.email, issuer: "Roch Events")
        let base32 = Base32.encode(secret)
        let groups = stride(from: 0, to: base32.count, by: 4).map { i -> String in
            let start = base32.index(base32.startIndex, offsetBy: i)
            return String(base32[start..<(base32.index(start, offsetBy: 4, limitedBy: base32.endIndex) ?? base32.endIndex)])
        }.joined(separator: " ")
        let svg = QRCodeSVG.svg(for: uri, label: "QR code for your authenticator app: Roch Events, \(session.account.email)") ?? ""
        return templates.response(AdminPage("two-factor-setup", title: "Set up two-step sign-in", status: status, values: [
            "qrSVG": svg, "secretGroups": groups, "next": next, "error": error as Any,
            "required": session.stage == .enrolSecondFactor,
        ]), session: session)
    }

    func setPassword(_ request: Request, now: Date) async throws -> Response {
        let accounts = self.accounts
        let isPost = request.method == "POST"
        let form = isPost ? try request.form() : try request.query()
        let token = form["token"] ?? ""
        var response: Response
        if !isPost {
            let account = try await context.database.withConnection { c in try accounts.linkAccount(c, token: token, now: now) }
            response = try setPasswordForm(request, token: token, account: account, error: nil, status: account == nil ? 410 : 200)
        } else {
            let password = form["password"] ?? "", confirm = form["confirm"] ?? ""
            let client = StaffClient(request)
            do {
                guard password == confirm else { throw StaffAccounts.Refusal(message: "The two passwords are not the same. Type them again.") }
                _ = try await context.database.withConnection { c in try accounts.setPassword(c, token: token, password: password, client: client, now: now) }
                response = Response.redirect(to: "/admin/login?notice=password-set")
            } catch let refusal as StaffAccounts.Refusal {
                let account = try await context.database.withConnection { c in try accounts.linkAccount(c, token: token, now: now) }
                response = try setPasswordForm(request, token: token, account: account, error: refusal.message, status: account == nil ? 410 : 422)
            }
        }
        // the token is in this page's address: never send it on to another site
        response.headers.set("Referrer-Policy", "no-referrer")
        return response
    }

    func setPasswordForm(_ request: Request, token: String, account: StaffAccount?, error: String?, status: Int) throws -> Response {
        try withFormToken(request) { formToken in
            templates.response(AdminPage("set-password", title: "Choose your password", status: status, values: [
                "token": token, "error": error as Any,
                "account": account.map { ["email": $0.email] as [String: Any] } as Any,
            ]), session: nil, formToken: formToken)
        }
    }

    func signOut(_ request: Request, session: StaffSession, everywhere: Bool) async throws -> Response {
        let client = StaffClient(request)
        let auth = self.auth
        try await context.database.withConnection { c in try auth.signOut(c, session: session, everywhere: everywhere, client: client) }
        var r = Response.redirect(to: "/admin/login?notice=" + (everywhere ? "signed-out-everywhere" : "signed-out"))
        try r.setCookie(StaffSessions.clearedCookie())
        return r
    }
}
