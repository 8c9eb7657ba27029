import Foundation
import RochApp
import RochCore
import RochHTTP
import RochStore
import RochTestSupport

/// A clock the tests move by hand (sessions' idle and absolute expiry, locks, TOTP steps).
final class TestClock: @unchecked Sendable {
    private let lock = NSLock()
    private var value: Date
    init(_ start: Date) { value = start }
    var now: Date { lock.withLock { value } }
    func advance(_ seconds: TimeInterval) { lock.withLock { value = value.addingTimeInterval(seconds) } }
}

/// A fresh database with an owner (TOTP on), two coordinators and an accounts member, a booking whose
/// client wrote a `<script>` into the notes, and the admin function driven in-process.
struct AdminWorld {
    static let templates = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().deletingLastPathComponent().appendingPathComponent("site/admin").path
    /// Cheap scrypt (2^10) so tests do not spend seconds hashing.
    static let hasher = PasswordHasher(n: 1 << 10, r: 8, p: 1)
    static let password = "a long staff passphrase"
    static let ownerKey: [UInt8] = Array("12345678901234567890".utf8)
    static let script = "<script>alert('owned')</script>"

    let context: AppContext
    let app: AdminApp
    let clock: TestClock
    let ownerID: Int64, coordinatorID: Int64, otherCoordinatorID: Int64, accountsID: Int64
    let bookingPublicID: String

    init(environment: [String: String] = [:]) async throws {
        let context = try await TestApp.context(environment: environment)
        self.context = context
        let clock = TestClock(Date(timeIntervalSince1970: 1_800_000_000))
        self.clock = clock
        app = AdminApp(context: context, templates: try AdminTemplates(directory: Self.templates), hasher: Self.hasher, clock: { clock.now })
        let hash = try Self.hasher.hash(Self.password)
        (ownerID, coordinatorID, otherCoordinatorID, accountsID, bookingPublicID) = try context.database.withConnectionSync { c in
            func staff(_ email: String, _ name: String, _ role: String) throws -> Int64 {
                let id: Int64 = try c.query("INSERT INTO staff_users (email, name, role) VALUES ($1, $2, $3) RETURNING id", email, name, role)
                    .first!.decode("id")
                try StaffAccountRepository.setPasswordHash(c, id: id, hash: hash)
                return id
            }
            let owner = try staff("riya@rochevents.in", "Riya Sharma", "owner")
            try StaffAccountRepository.enableTOTP(c, id: owner, secret: Self.ownerKey)
            let coordinator = try staff("arjun@rochevents.in", "Arjun Mehta", "coordinator")
            let other = try staff("kavya@rochevents.in", "Kavya Iyer", "coordinator")
            let accounts = try staff("sahil@rochevents.in", "Sahil Khan", "accounts")
            let client: Int64 = try c.query("""
                INSERT INTO clients (phone, name, email) VALUES ('+919876500001', $1, 'asha@example.com') RETURNING id
                """, "Asha \(Self.script)").first!.decode("id")
            let publicID = PublicID.make()
            try c.execute("""
                INSERT INTO bookings (public_id, client_id, state, event_type, event_date, city, guests, budget, coordinator_id, notes)
                VALUES ($1, $2, 'discussion', 'wedding', '2027-02-14', 'Mysuru', 250, '10l_25l', $3, $4)
                """, publicID, client, coordinator, "Please no onions. \(Self.script)")
            return (owner, coordinator, other, accounts, publicID)
        }
    }

    // MARK: requests

    /// A browser: keeps the cookies the function sets, like Chromium would.
    final class Browser {
        var cookies: [String: String] = [:]
        var ip = "203.0.113.10"

        var cookieHeader: String { cookies.map { "\($0.key)=\($0.value)" }.joined(separator: "; ") }

        func keep(_ response: Response) {
            for value in response.headers.values("set-cookie") {
                let pair = value.split(separator: ";")[0]
                let name = String(pair.split(separator: "=", maxSplits: 1)[0])
                let v = pair.split(separator: "=", maxSplits: 1).count > 1 ? String(pair.split(separator: "=", maxSplits: 1)[1]) : ""
                if value.contains("Max-Age=0") { cookies[name] = nil } else { cookies[name] = v }
            }
        }
    }

    func get(_ target: String, _ browser: Browser? = nil, accept: String = "text/html") async -> Response {
        let (path, query) = Self.split(target)
        var headers = Headers([("Accept", accept), ("User-Agent", "AdminTests/1")])
        if let browser, !browser.cookies.isEmpty { headers.add("Cookie", browser.cookieHeader) }
        let r = await app.handle(Request(method: "GET", path: path, queryString: query, headers: headers, remoteAddress: browser?.ip ?? "203.0.113.10"))
        browser?.keep(r)
        return r
    }

    func post(_ path: String, _ fields: [(String, String)], _ browser: Browser? = nil) async -> Response {
        var request = TestApp.formPost(path, fields, remoteAddress: browser?.ip ?? "203.0.113.10")
        request.headers.add("User-Agent", "AdminTests/1")
        if let browser, !browser.cookies.isEmpty { request.headers.add("Cookie", browser.cookieHeader) }
        let r = await app.handle(request)
        browser?.keep(r)
        return r
    }

    static func split(_ target: String) -> (String, String) {
        guard let q = target.firstIndex(of: "?") else { return (target, "") }
        return (String(target[..<q]), String(target[target.index(after: q)...]))
    }

    /// The value of the hidden `name` field in a page.
    static func hidden(_ name: String, in html: String) -> String? {
        guard let r = html.range(of: "name=\"\(name)\" value=\"") else { return nil }
        return String(html[r.upperBound...].prefix { $0 != "\"" })
    }

    /// Opens the sign-in form and sends it; returns the answer to the POST.
    func signIn(_ browser: Browser, email: String, password: String = AdminWorld.password, next: String = "") async -> Response {
        let form = await get("/admin/login" + (next.isEmpty ? "" : "?next=" + FormData.encodeComponent(next)), browser)
        let csrf = Self.hidden("csrf", in: form.text) ?? ""
        return await post("/admin/login", [("csrf", csrf), ("email", email), ("password", password),
                                           ("next", Self.hidden("next", in: form.text) ?? "")], browser)
    }

    /// A browser signed in fully (the owner with a TOTP code of the current step).
    func signedIn(_ email: String) async throws -> Browser {
        let browser = Browser()
        let r = await signIn(browser, email: email)
        guard r.status == 303 else { throw Failure("sign-in of \(email) answered \(r.status): \(r.text)") }
        if r.headers["location"]?.hasPrefix("/admin/login/two-factor") == true {
            let page = await get(r.headers["location"]!, browser)
            let done = await post("/admin/login/two-factor", [("csrf", Self.hidden("csrf", in: page.text) ?? ""), ("code", ownerCode())], browser)
            guard done.status == 303 else { throw Failure("second factor answered \(done.status): \(done.text)") }
        }
        return browser
    }

    func ownerCode(offset: TimeInterval = 0) -> String {
        OneTimePasswordCrypto.totp.totp(key: Self.ownerKey, unixTime: Int64(clock.now.addingTimeInterval(offset).timeIntervalSince1970))
    }

    /// The CSRF token of the session's forms (read from the home page).
    func csrf(_ browser: Browser) async -> String {
        Self.hidden("csrf", in: await get("/admin/", browser).text) ?? ""
    }

    func sync<T>(_ body: (Connection) throws -> T) throws -> T { try context.database.withConnectionSync(body) }

    struct Failure: Error, CustomStringConvertible {
        var description: String
        init(_ d: String) { description = d }
    }
}
