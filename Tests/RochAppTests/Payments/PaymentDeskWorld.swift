import Foundation
import RochApp
import RochCore
import RochHTTP
import RochStore
import RochTestSupport

/// A booking with its proposal sent and the deposit link issued on the fake Razorpay
/// (PaymentFixture), the admin function on the same database, and a signed-in accounts member.
struct PaymentDeskWorld {
    let fixture: PaymentFixture
    let app: AdminApp
    let browser = AdminWorld.Browser()
    let publicID: String
    let accountsID: Int64

    init(issueDepositLink: Bool = true) async throws {
        fixture = try await PaymentFixture()
        if issueDepositLink { try await fixture.runQueuedLinkJobs() }
        app = AdminApp(context: fixture.context, templates: try AdminTemplates(directory: AdminWorld.templates), hasher: AdminWorld.hasher)
        let hash = try AdminWorld.hasher.hash(AdminWorld.password)
        let bookingID = fixture.bookingID
        (publicID, accountsID) = try fixture.context.database.withConnectionSync { c in
            let id: Int64 = try c.query("INSERT INTO staff_users (email, name, role) VALUES ('sahil@rochevents.in', 'Sahil Khan', 'accounts') RETURNING id")
                .first!.decode("id")
            try StaffAccountRepository.setPasswordHash(c, id: id, hash: hash)
            try c.execute("UPDATE staff_users SET password_hash = $1 WHERE email = 'arjun@rochevents.in'", hash)
            return (try BookingRepository.find(c, id: bookingID)!.publicID, id)
        }
        try await signIn(browser, "sahil@rochevents.in")
    }

    var desk: String { "/admin/bookings/\(publicID)/payments" }

    func signIn(_ browser: AdminWorld.Browser, _ email: String) async throws {
        let form = await get("/admin/login", browser)
        let r = await post("/admin/login", [("csrf", AdminWorld.hidden("csrf", in: form.text) ?? ""), ("email", email),
                                            ("password", AdminWorld.password), ("next", "")], browser)
        guard r.status == 303 else { throw AdminWorld.Failure("sign-in of \(email) answered \(r.status)") }
    }

    func get(_ target: String, _ browser: AdminWorld.Browser? = nil) async -> Response {
        let browser = browser ?? self.browser
        let (path, query) = AdminWorld.split(target)
        var headers = Headers([("Accept", "text/html"), ("User-Agent", "PaymentDeskTests/1")])
        if !browser.cookies.isEmpty { headers.add("Cookie", browser.cookieHeader) }
        let r = await app.handle(Request(method: "GET", path: path, queryString: query, headers: headers, remoteAddress: browser.ip))
        browser.keep(r)
        return r
    }

    func post(_ path: String, _ fields: [(String, String)], _ browser: AdminWorld.Browser? = nil) async -> Response {
        let browser = browser ?? self.browser
        var request = TestApp.formPost(path, fields, remoteAddress: browser.ip)
        request.headers.add("User-Agent", "PaymentDeskTests/1")
        if !browser.cookies.isEmpty { request.headers.add("Cookie", browser.cookieHeader) }
        let r = await app.handle(request)
        browser.keep(r)
        return r
    }

    /// Sends the desk's form `action` for the milestone (or payment) with the session's token.
    func submit(_ action: String, _ fields: [(String, String)], as browser: AdminWorld.Browser? = nil) async -> Response {
        let page = await get(desk, browser)
        return await post("\(desk)/\(action)", [("csrf", AdminWorld.hidden("csrf", in: page.text) ?? "")] + fields, browser)
    }

    /// The one-time key the desk's offline form carries for the milestone.
    func offlineKey(_ milestone: PaymentMilestoneRecord) async -> String {
        let page = await get(desk).text
        guard let r = page.range(of: "name=\"milestone\" value=\"\(milestone.publicID)\">") else { return "" }
        return AdminWorld.hidden("key", in: String(page[r.upperBound...])) ?? ""
    }

    func jobs(_ kind: String) throws -> [String] {
        try fixture.strings("SELECT payload::text AS v FROM jobs WHERE kind = $1 AND status = 'queued' ORDER BY id", kind)
    }

    func runCancelJobs() async throws {
        let jobs = try fixture.context.database.withConnectionSync { c in
            try c.query("SELECT id, payload::text AS payload FROM jobs WHERE kind = 'cancel_payment_links' AND status = 'queued' ORDER BY id")
                .map { (try $0.decode("id", as: Int64.self), try $0.decode("payload", as: String.self)) }
        }
        for (id, payload) in jobs {
            try await CancelPaymentLinksJob().run(JobRecord(id: id, kind: CancelPaymentLinksJob.kind, payload: JSONB(payload), attempts: 0),
                                                  context: fixture.context)
            _ = try fixture.context.database.withConnectionSync { try $0.execute("UPDATE jobs SET status = 'done' WHERE id = $1", id) }
        }
    }
}
