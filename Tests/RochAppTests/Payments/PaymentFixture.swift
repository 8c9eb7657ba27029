import Foundation
import RochApp
import RochCore
import RochHTTP
import RochIntegrations
import RochStore
import RochTestSupport

/// A booking with a proposal, sent to the client (proposal_sent), on a fresh database, with a
/// fake Razorpay account behind the configuration. Webhooks from the fake go straight into the
/// razorpay-webhook function's handler (through ErrorResponder, as every runtime does).
struct PaymentFixture {
    static let keyID = "rzp_test_RochFixture01"
    static let keySecret = "fixture_key_secret"
    static let webhookSecret = "fixture_webhook_secret"
    static let gstin = "27AAPFR1234K1Z5"

    let context: AppContext
    let fake: FakeRazorpayServer
    let function: RazorpayWebhookFunction
    let payments: PaymentService
    let bookingID: Int64
    let eventDate: CalendarDay
    /// Closes the pool (connections and database threads) when the test's fixture goes away.
    private let cleanup: Cleanup

    final class Cleanup: Sendable {
        let database: Database
        init(_ database: Database) { self.database = database }
        deinit { database.shutdown() }
    }

    /// `razorpay: false` leaves Razorpay unconfigured (DESIGN §4).
    init(total: Money = Money(rupees: 500_000), razorpay: Bool = true, webhookSecret: String = PaymentFixture.webhookSecret,
         sendProposal: Bool = true, environment extra: [String: String] = [:]) async throws {
        fake = try FakeRazorpayServer(configuration: .init(keyID: Self.keyID, keySecret: Self.keySecret, webhookSecret: webhookSecret))
        var env = ["BUSINESS_GSTIN": Self.gstin]
        if razorpay {
            env.merge(["RAZORPAY_KEY_ID": Self.keyID, "RAZORPAY_KEY_SECRET": Self.keySecret, "RAZORPAY_WEBHOOK_SECRET": webhookSecret,
                       "RAZORPAY_API_BASE": fake.apiBase]) { _, new in new }
        }
        env.merge(extra) { _, new in new }
        let environment = env
        context = try await offCooperativePool { try TestApp.context(environment: environment) }
        cleanup = Cleanup(context.database)
        function = RazorpayWebhookFunction(context: context)
        payments = PaymentService(context: context)
        eventDate = IST.day(of: Date()).adding(days: 60)
        let request = TestApp.jsonPost("/api/booking", """
            {"name":"Ananya Rao","phone":"9876543210","email":"ananya@example.com","event_type":"wedding","event_date":"\(eventDate)",
             "city":"Bengaluru","guests":250,"budget":"10l_25l","services":["decor"],"whatsapp_consent":"yes"}
            """)
        let publicID = try await BookingSubmissions(context: context).handle(request).json["id"] as! String
        let transitions = TransitionService(configuration: context.configuration)
        let database = context.database
        bookingID = try await offCooperativePool { try database.withConnectionSync { c in
            let b = try BookingRepository.find(c, publicID: publicID)!
            let coordinator: Int64 = try c.query("""
                INSERT INTO staff_users (email, name, phone, role) VALUES ('arjun@rochevents.in', 'Arjun Mehta', '+919820023456', 'coordinator') RETURNING id
                """).first!.decode("id")
            try BookingRepository.assignCoordinator(c, id: b.id, staffUserID: coordinator)
            _ = try c.transaction { c in
                try transitions.fire(TransitionRequest(bookingID: b.id, event: .discuss, actor: .teamMember, actorLabel: "staff:\(coordinator)"), on: c)
            }
            return b.id
        } }
        _ = try await payments.createProposal(bookingID: bookingID, total: total, actor: "staff:1")
        if sendProposal {
            _ = try context.database.withConnectionSync { c in
                try c.transaction { c in
                    try transitions.fire(TransitionRequest(bookingID: bookingID, event: .sendProposal, actor: .teamMember, actorLabel: "staff:1"), on: c)
                }
            }
        }
    }

    // MARK: Driving

    /// Runs every queued `create_payment_link` job as the worker would (oldest first).
    func runQueuedLinkJobs() async throws {
        let jobs = try context.database.withConnectionSync { c in
            try c.query("SELECT id, payload::text AS payload FROM jobs WHERE kind = 'create_payment_link' AND status = 'queued' ORDER BY id")
                .map { (try $0.decode("id", as: Int64.self), try $0.decode("payload", as: String.self)) }
        }
        for (id, payload) in jobs {
            try await PaymentLinkJob().run(JobRecord(id: id, kind: PaymentLinkJob.kind, payload: JSONB(payload), attempts: 0), context: context)
            _ = try context.database.withConnectionSync { try $0.execute("UPDATE jobs SET status = 'done' WHERE id = $1", id) }
        }
    }

    /// Runs every queued document job (`issue_payment_documents`, `issue_credit_note`) as the worker
    /// would, oldest first; `again` runs each a second time, as after a crash before it was marked done.
    func runQueuedDocumentJobs(again: Bool = false) async throws {
        let jobs = try context.database.withConnectionSync { c in
            try c.query("SELECT id, kind, payload::text AS payload FROM jobs WHERE kind LIKE 'issue_%' AND status = 'queued' ORDER BY id")
                .map { (try $0.decode("id", as: Int64.self), try $0.decode("kind", as: String.self), try $0.decode("payload", as: String.self)) }
        }
        let handlers = JobHandlers.all()
        for (id, kind, payload) in jobs {
            for _ in 0..<(again ? 2 : 1) {
                try await handlers[kind]!.run(JobRecord(id: id, kind: kind, payload: JSONB(payload), attempts: 0), context: context)
            }
            _ = try context.database.withConnectionSync { try $0.execute("UPDATE jobs SET status = 'done' WHERE id = $1", id) }
        }
    }

    func runLinkJob(_ milestones: String = "on_acceptance") async throws {
        try await PaymentLinkJob().run(JobRecord(id: 0, kind: PaymentLinkJob.kind,
                                                 payload: JSONB("{\"booking_id\":\"\(bookingID)\",\"milestones\":\"\(milestones)\"}"), attempts: 0),
                                       context: context)
    }

    /// Posts one webhook to the function as Razorpay would.
    func deliver(_ event: SignedEvent) async -> Response {
        var headers: [(String, String)] = [("Content-Type", "application/json")]
        if let s = event.signature { headers.append(("X-Razorpay-Signature", s)) }
        if let id = event.eventID { headers.append(("X-Razorpay-Event-Id", id)) }
        let request = Request(method: "POST", path: "/api/razorpay-webhook", headers: Headers(headers), remoteAddress: "52.66.0.1", body: event.body)
        let function = self.function
        return await ErrorResponder.respond({ try await function.handle($0) }, to: request)
    }

    func deliver(_ delivery: RazorpayWebhookDelivery) async -> Response { await deliver(SignedEvent(delivery)) }

    /// Delivers in order; returns the statuses.
    func deliver(all deliveries: [RazorpayWebhookDelivery]) async -> [Int] {
        var statuses: [Int] = []
        for d in deliveries { statuses.append(await deliver(d).status) }
        return statuses
    }

    func get(_ subpath: String, query: String = "") async -> Response {
        let request = Request(method: "GET", path: "/api/razorpay-webhook" + subpath, pathInfo: subpath, queryString: query,
                              headers: Headers([("Accept", "text/html")]))
        let function = self.function
        return await ErrorResponder.respond({ try await function.handle($0) }, to: request)
    }

    // MARK: Reading

    func milestone(_ sequence: Int = 1) throws -> PaymentMilestoneRecord {
        try context.database.withConnectionSync { c in
            try PaymentMilestoneRepository.forBooking(c, bookingID: bookingID).first { $0.sequence == sequence }!
        }
    }

    func bookingState() throws -> BookingState {
        try context.database.withConnectionSync { try BookingRepository.find($0, id: bookingID)!.state }
    }

    func count(_ sql: String, _ params: SQLEncodable?...) throws -> Int64 {
        try context.database.withConnectionSync { try $0.query("SELECT count(*) AS n FROM (\(sql)) q", params).first!.decode("n") }
    }

    func strings(_ sql: String, _ params: SQLEncodable?...) throws -> [String] {
        try context.database.withConnectionSync { try $0.query(sql, params).map { try $0.decode("v", as: String.self) } }
    }

    /// Outbox rows of a moment for this booking, by recipient role.
    func outbox(_ moment: String) throws -> [String] {
        try strings("SELECT recipient_role || ':' || channel AS v FROM notifications WHERE booking_id = $1 AND moment = $2 ORDER BY id",
                    bookingID, moment)
    }

    func currentLinkID(_ sequence: Int = 1) throws -> String { try milestone(sequence).razorpayLinkID! }

    /// A snapshot of everything a webhook can change, to prove that a rejected one changed nothing.
    func snapshot() throws -> [String] {
        try strings("""
            SELECT concat_ws('|', (SELECT state FROM bookings WHERE id = $1),
                (SELECT string_agg(status || ':' || amount_paid_paise || ':' || amount_refunded_paise || ':' || coalesce(flag, ''), ',' ORDER BY sequence) FROM payment_milestones WHERE booking_id = $1),
                (SELECT count(*) FROM payments), (SELECT count(*) FROM refunds), (SELECT count(*) FROM invoices),
                (SELECT count(*) FROM notifications), (SELECT count(*) FROM portal_events), (SELECT count(*) FROM tasks),
                (SELECT count(*) FROM booking_transitions), (SELECT string_agg(status, ',' ORDER BY id) FROM payment_links)) AS v
            """, bookingID)
    }
}

/// Runs blocking set-up (CREATE DATABASE from the template, serialised by a lock) on its own
/// thread: blocking the two cooperative threads of a 2-core machine stalls every other suite's
/// async work (fake servers, client timeouts) while the tests run in parallel.
func offCooperativePool<T: Sendable>(_ body: @escaping @Sendable () throws -> T) async throws -> T {
    try await TestDatabase.offPool(body)
}

/// A webhook body with its headers; tests craft out-of-order, forged and mismatched ones.
struct SignedEvent: Sendable {
    var eventID: String?
    var body: [UInt8]
    var signature: String?

    init(eventID: String?, body: [UInt8], signature: String?) {
        self.eventID = eventID
        self.body = body
        self.signature = signature
    }

    init(_ d: RazorpayWebhookDelivery) { self.init(eventID: d.eventID, body: d.body, signature: d.signature) }

    /// A new event (fresh id) made by editing a real one's JSON and signing it with `secret`.
    static func edited(_ d: RazorpayWebhookDelivery, secret: String = PaymentFixture.webhookSecret,
                       _ edit: (inout [String: Any]) -> Void) throws -> SignedEvent {
        var json = try JSONSerialization.jsonObject(with: Data(d.body)) as! [String: Any]
        edit(&json)
        let body = Array(try JSONSerialization.data(withJSONObject: json))
        return SignedEvent(eventID: "evt_test_" + UUID().uuidString.prefix(8), body: body,
                           signature: WebhookSignature.signRazorpay(body: body, secret: secret))
    }

    /// Any event body, signed.
    static func signed(_ json: [String: Any], secret: String = PaymentFixture.webhookSecret) throws -> SignedEvent {
        let body = Array(try JSONSerialization.data(withJSONObject: json))
        return SignedEvent(eventID: "evt_test_" + UUID().uuidString.prefix(8), body: body,
                           signature: WebhookSignature.signRazorpay(body: body, secret: secret))
    }
}

extension Dictionary where Key == String, Value == Any {
    /// Edits `payload.<entity>.entity` in place.
    mutating func editEntity(_ name: String, _ edit: (inout [String: Any]) -> Void) {
        var payload = self["payload"] as! [String: Any]
        var wrapper = payload[name] as! [String: Any]
        var entity = wrapper["entity"] as! [String: Any]
        edit(&entity)
        wrapper["entity"] = entity
        payload[name] = wrapper
        self["payload"] = payload
    }
}
