import Foundation
import RochApp
import RochCore
import RochHTTP
import RochIntegrations
import RochStore
import RochTestSupport

/// A fresh database, a fake WhatsApp Cloud API that knows every catalogue template, and helpers to
/// make bookings, run the worker and read the outbox.
struct NotificationKit: Sendable {
    static let appSecret = "test-app-secret"
    static let verifyToken = "verify-me"
    static let phoneNumberID = "106540352242922"
    static let accessToken = "EAAtesttoken"
    static let staffPhone = "+919820099999"

    let context: AppContext
    let fake: FakeWhatsAppServer
    /// The SMTP server email goes to when `smtp: true`.
    let sink: SMTPSink?

    /// Makes the kit on a thread of its own: creating a database and binding servers block, and
    /// Swift's cooperative pool (two threads here) also runs every other suite's fake servers.
    static func make(whatsApp: Bool = true, smtp: Bool = false, throughput: Int = 100_000, pairWindow: TimeInterval = 0,
                     undeliverable: Set<String> = [], automaticStatuses: [String] = [], webhookURL: String? = nil) async throws -> NotificationKit {
        try await offThePool {
            try NotificationKit(whatsApp: whatsApp, smtp: smtp, throughput: throughput, pairWindow: pairWindow, undeliverable: undeliverable,
                                automaticStatuses: automaticStatuses, webhookURL: webhookURL)
        }
    }

    /// `whatsApp: false` leaves WhatsApp unconfigured (the fake still runs, and must stay silent).
    private init(whatsApp: Bool = true, smtp: Bool = false, throughput: Int = 100_000, pairWindow: TimeInterval = 0, undeliverable: Set<String> = [],
         automaticStatuses: [String] = [], webhookURL: String? = nil) throws {
        var config = FakeWhatsAppServer.Configuration(
            accessToken: Self.accessToken, phoneNumberID: Self.phoneNumberID, appSecret: Self.appSecret,
            templates: NotificationCatalogue.entries.map {
                .init(name: $0.whatsApp.name, language: $0.whatsApp.languageCode, bodyParameterCount: $0.whatsApp.bodyParameterKeys.count)
            })
        config.throughputPerSecond = throughput
        config.pairRateLimitWindow = pairWindow
        config.undeliverable = undeliverable
        config.automaticStatuses = automaticStatuses
        config.webhookURL = webhookURL
        fake = try FakeWhatsAppServer(configuration: config)
        var env: [String: String] = [:]
        if whatsApp {
            env.merge(["WHATSAPP_ACCESS_TOKEN": Self.accessToken, "WHATSAPP_PHONE_NUMBER_ID": Self.phoneNumberID,
                       "WHATSAPP_APP_SECRET": Self.appSecret, "WHATSAPP_VERIFY_TOKEN": Self.verifyToken,
                       "WHATSAPP_API_BASE": fake.apiBase]) { a, _ in a }
        }
        if smtp {
            let sink = try SMTPSink()
            env["SMTP_URL"] = sink.url(user: "roch", password: "secret")
            env["SMTP_CA_FILE"] = sink.caFile
            env["MAIL_FROM"] = "Roch Events <hello@rochevents.test>"
            self.sink = sink
        } else {
            sink = nil
        }
        context = try TestApp.context(environment: env)
    }

    func shutdown() {
        fake.shutdown()
        sink?.shutdown()
    }

    /// Quick retries, no rate limit unless asked: tests wait for conditions, never for wall time.
    static func options(rate: Double? = nil, maxAttempts: Int = 5, lease: Int = 300) -> WorkerOptions {
        var o = WorkerOptions()
        o.retryBase = 0.01
        o.retryMax = 0.05
        o.pairRateLimitUnit = 0.01
        o.pollInterval = 0.2
        o.whatsAppRatePerSecond = rate
        o.maxAttempts = maxAttempts
        o.leaseSeconds = lease
        return o
    }

    /// A worker with the providers the configuration has (WhatsApp at the fake, email at the sink).
    func worker(_ options: WorkerOptions = NotificationKit.options(), handlers: [String: any JobHandler] = JobHandlers.all()) -> Worker {
        Worker(context: context, options: options, handlers: handlers)
    }

    /// Runs passes until nothing is queued or sending (retries included), or `timeout` passes.
    @discardableResult
    func drain(_ worker: Worker, timeout: TimeInterval = 30) async throws -> Worker.Pass {
        var total = Worker.Pass()
        let deadline = Date().addingTimeInterval(timeout)
        while Date() < deadline {
            let p = try await worker.runUntilIdle()
            total.add(p)
            let open = try await count("SELECT count(*) AS n FROM notifications WHERE status IN ('queued', 'sending') AND due_at <= now()")
                + (try await count("SELECT count(*) AS n FROM jobs WHERE status = 'running' OR (status = 'queued' AND next_attempt_at <= now() + interval '2 seconds')"))
            if open == 0 { break }
            try await Task.sleep(for: .milliseconds(20))
        }
        return total
    }

    /// A booking as the site's form creates it; optionally with a coordinator.
    /// (The form requires an email: without an SMTP transport the worker skips those rows as not configured.)
    func booking(phone: String = "9988776655", name: String = "Meera Nair", email: String = "meera@example.com",
                 consent: Bool = true, coordinator: Bool = true, daysAhead: Int = 60) async throws -> BookingRecord {
        let day = IST.day(of: Date()).adding(days: daysAhead).description
        let request = TestApp.jsonPost("/api/booking", """
            {"name":"\(name)","phone":"\(phone)","email":"\(email)","event_type":"reception","event_date":"\(day)",
             "city":"Kochi","guests":300,"budget":"10l_25l","services":["decor"],"whatsapp_consent":"\(consent ? "yes" : "no")"}
            """, remoteAddress: "203.0.113.\(Int.random(in: 1...250))")
        let response = try await BookingSubmissions(context: context).handle(request)
        guard let id = response.json["id"] as? String else { throw KitError("booking not created: \(response.text)") }
        return try await sync { c in
            var b = try BookingRepository.find(c, publicID: id)!
            if coordinator {
                let staff: Int64 = try c.query("""
                    INSERT INTO staff_users (email, name, phone, role) VALUES ($1, 'Arjun Mehta', '+919820023456', 'coordinator')
                    ON CONFLICT (email) DO UPDATE SET name = EXCLUDED.name RETURNING id
                    """, "arjun@rochevents.in").first!.decode("id")
                try BookingRepository.assignCoordinator(c, id: b.id, staffUserID: staff)
                b = try BookingRepository.find(c, id: b.id)!
            }
            return b
        }
    }

    func count(_ sql: String, _ params: SQLEncodable?...) async throws -> Int64 {
        try await sync { try $0.query(sql, params).first!.decode("n") }
    }

    func strings(_ sql: String, _ params: SQLEncodable?...) async throws -> [String] {
        try await sync { try $0.query(sql, params).map { try $0.decode("s", as: String.self) } }
    }

    /// Runs `body` on a database thread: blocking libpq calls must not occupy Swift's cooperative
    /// threads (two on this machine), where every suite's fake servers answer.
    @discardableResult
    func sync<T>(_ body: @escaping (Connection) throws -> T) async throws -> T {
        let box = UncheckedSendable(body)
        return try await context.database.withConnection { c in UncheckedSendable(try box.value(c)) }.value
    }

    /// A signed POST to the whatsapp-webhook handler, as Meta sends it.
    func webhookPost(_ body: [UInt8], signature: String? = nil) -> Request {
        var headers = Headers([("Content-Type", "application/json")])
        headers.add("X-Hub-Signature-256", signature ?? WebhookSignature.signWhatsApp(body: body, appSecret: Self.appSecret))
        return Request(method: "POST", path: "/api/whatsapp-webhook", headers: headers, body: body)
    }

    func webhook(_ request: Request) async -> Response {
        await ErrorResponder.respond({ try await WhatsAppWebhookHandler(context: context).handle($0) }, to: request)
    }
}

struct KitError: Error, CustomStringConvertible {
    var description: String
    init(_ d: String) { description = d }
}

extension SMTPSink.Message {
    /// The decoded bodies of a multipart/alternative message by content type ("text/plain", "text/html").
    var parts: [String: String] {
        var out: [String: String] = [:]
        for part in text.components(separatedBy: "\r\n--").dropFirst() {
            guard let split = part.range(of: "\r\n\r\n"),
                  let type = part[..<split.lowerBound].components(separatedBy: "\r\n")
                      .first(where: { $0.lowercased().hasPrefix("content-type:") })?
                      .dropFirst("content-type:".count).split(separator: ";").first?.trimmingCharacters(in: .whitespaces),
                  let data = Data(base64Encoded: part[split.upperBound...].components(separatedBy: "\r\n").joined()) else { continue }
            out[type] = String(decoding: data, as: UTF8.self)
        }
        return out
    }
}

/// Moves a value across a concurrency boundary that the code guarantees is safe (tests only).
struct UncheckedSendable<Value>: @unchecked Sendable {
    var value: Value
    init(_ value: Value) { self.value = value }
}

/// Runs blocking work on a new thread and resumes when it is done.
func offThePool<T>(_ body: @escaping () throws -> T) async throws -> T {
    let work = UncheckedSendable(body)
    let result: UncheckedSendable<Result<T, Error>> = await withCheckedContinuation { continuation in
        Thread { continuation.resume(returning: UncheckedSendable(Result { try work.value() })) }.start()
    }
    return try result.value.get()
}
