import Crypto
import Foundation
import RochApp
import RochCore
import RochHTTP
import RochStore
import RochTestSupport
import Testing

/// The outbox holds no usable sign-in link, a message cannot loop through the queue forever, and
/// an email resent after a crash keeps its Message-ID.
@Suite(.serialized) struct OutboxSafetyTests {
    /// Every string in a row's parameters, and every `token=` value inside them.
    static func candidateSecrets(_ parametersJSON: String) throws -> [String] {
        var strings: [String] = []
        func walk(_ value: Any) {
            if let s = value as? String { strings.append(s) }
            if let d = value as? [String: Any] { d.values.forEach(walk) }
            if let a = value as? [Any] { a.forEach(walk) }
        }
        walk(try JSONSerialization.jsonObject(with: Data(parametersJSON.utf8)))
        let tokens = strings.flatMap { s in s.components(separatedBy: "token=").dropFirst().map { String($0.prefix(while: { $0.isLetter || $0.isNumber || $0 == "-" || $0 == "_" })) } }
        return strings + tokens
    }

    /// How many portal tokens any value stored in `notifications.parameters` would open.
    func tokensOpenedByTheOutbox(_ kit: NotificationKit) async throws -> Int {
        let rows = try await kit.strings("SELECT parameters::text AS s FROM notifications")
        var opened = 0
        for json in rows {
            for candidate in try Self.candidateSecrets(json) {
                opened += Int(try await kit.count("SELECT count(*) AS n FROM portal_tokens WHERE token_hash = $1",
                                                  ByteA(Array(SHA256.hash(data: Data(candidate.utf8))))))
            }
        }
        return opened
    }

    func confirm(_ kit: NotificationKit, _ booking: BookingRecord) async throws {
        try await kit.sync { c in
            try c.transaction { c in try BookingNotifier(configuration: kit.context.configuration).notify(c, moment: .bookingConfirmed, booking: booking) }
        }
    }

    /// Opens a link through the portal function as a browser would: true when it signs in.
    func signsIn(_ kit: NotificationKit, _ link: String) async throws -> Bool {
        guard let range = link.range(of: "/api/portal/open?token=") else { return false }
        let token = String(link[range.upperBound...].prefix(while: { !$0.isWhitespace && $0 != "<" && $0 != "\"" }))
        let response = try await PortalAPI(context: kit.context).handle(
            Request(method: "GET", path: "/api/portal/open", queryString: "token=\(token)"))
        return response.headers["set-cookie"]?.hasPrefix(PortalAccess.cookieName + "=") == true && response.headers["location"] == "/portal/"
    }

    @Test func noOutboxRowHoldsAWorkingLinkAndTheMessagesSentCarryOne() async throws {
        let kit = try await NotificationKit.make(smtp: true)
        defer { kit.shutdown() }
        let booking = try await kit.booking()
        try await confirm(kit, booking)
        // Queued: the client's rows hold a reference to mint, no link, and no token exists yet.
        let stored = try await kit.strings("""
            SELECT (parameters->'portal_link')::text AS s FROM notifications WHERE moment = 'booking_confirmed' AND recipient_role = 'client'
            """)
        #expect(stored.count == 2)
        #expect(stored.allSatisfy { $0.contains("\"client_id\": \(booking.clientID)") && !$0.contains("token=") })
        #expect(try await kit.count("SELECT count(*) AS n FROM portal_tokens") == 0)

        try await kit.drain(kit.worker())
        #expect(try await kit.count("SELECT count(*) AS n FROM notifications WHERE moment = 'booking_confirmed' AND status <> 'sent'") == 0)
        // Sent: each channel got its own fresh link, and each link signs the client in.
        let whatsApp = try #require(kit.fake.acceptedMessages.first { $0.template == "booking_confirmed_client" })
        let whatsAppLink = try #require(whatsApp.parameters.first { $0.contains("/api/portal/open?token=") })
        #expect(try await signsIn(kit, whatsAppLink))
        let email = try #require(kit.sink?.messages.first { $0.recipients == ["meera@example.com"] && $0.parts["text/plain"]?.contains("confirmed") == true })
        let text = try #require(email.parts["text/plain"])
        let start = try #require(text.range(of: "https://rochevents.test/api/portal/open?token="))
        let emailLink = String(text[start.lowerBound...].prefix(while: { !$0.isWhitespace }))
        #expect(emailLink != whatsAppLink)
        #expect(try await signsIn(kit, emailLink))
        #expect(try await kit.strings("SELECT DISTINCT issued_by AS s FROM portal_tokens") == ["moment:booking_confirmed"])
        // Nothing the outbox keeps would sign anybody in, before or after sending.
        #expect(try await tokensOpenedByTheOutbox(kit) == 0)
        #expect(try await kit.count("SELECT count(*) AS n FROM notifications WHERE parameters::text LIKE '%token=%'") == 0)
    }

    @Test func aResendMintsAFreshLink() async throws {
        let kit = try await NotificationKit.make()
        defer { kit.shutdown() }
        let booking = try await kit.booking()
        try await confirm(kit, booking)
        try await kit.drain(kit.worker())
        // The worker crashed after the send and before recording it: the row comes back and is sent again.
        try await kit.sync { c in
            try c.execute("""
                UPDATE notifications SET status = 'sending', attempts = attempts + 1, claimed_at = now() - interval '1 hour'
                WHERE moment = 'booking_confirmed' AND recipient_role = 'client' AND channel = 'whatsapp'
                """)
        }
        try await kit.drain(kit.worker(NotificationKit.options(lease: 60)))
        let links = kit.fake.acceptedMessages.filter { $0.template == "booking_confirmed_client" }
            .compactMap { $0.parameters.first { $0.contains("token=") } }
        #expect(links.count == 2)
        #expect(Set(links).count == 2)
        for link in links { #expect(try await signsIn(kit, link)) }
    }

    @Test func aClientsRequestForALinkIsMintedAtSendTimeWithItsExpiry() async throws {
        let kit = try await NotificationKit.make(smtp: true)
        defer { kit.shutdown() }
        _ = try await kit.booking(phone: "9988776655")
        let asked = await ErrorResponder.respond({ try await PortalAPI(context: kit.context).handle($0) },
                                                 to: TestApp.jsonPost("/api/portal/link", #"{"phone":"+919988776655"}"#))
        #expect(asked.status == 202)
        try await kit.drain(kit.worker())
        #expect(try await kit.count("SELECT count(*) AS n FROM notifications WHERE moment = 'portal_link_requested' AND status = 'sent'") == 2)
        let message = try #require(kit.fake.acceptedMessages.first { $0.template == "portal_link_requested_client" })
        #expect(try await signsIn(kit, message.parameters[1]))
        #expect(message.parameters[2].contains("IST"))  // link_expiry, formatted when the link was minted
        #expect(try await kit.strings("SELECT DISTINCT issued_by AS s FROM portal_tokens") == ["client:request"])
        #expect(try await tokensOpenedByTheOutbox(kit) == 0)
    }

    @Test func aMessageWhoseWorkerKeepsDyingIsDeadLetteredWithTheReasonAndTheTeamIsTold() async throws {
        let kit = try await NotificationKit.make()
        defer { kit.shutdown() }
        _ = try await kit.booking()
        // Only the enquiry's three messages are under test (not the new lead task's task_assigned).
        try await kit.sync { c in try c.execute("DELETE FROM notifications WHERE moment = 'task_assigned'") }
        var options = NotificationKit.options(lease: 60)
        options.maxLeases = 3
        let ours = "idempotency_key LIKE 'enquiry_received:%'"
        // Three workers in turn claim the enquiry messages and die (or hang) before recording anything.
        for round in 1...3 {
            let claimed = try await kit.sync { c in try NotificationQueue.claim(c, limit: 100) }
            #expect(claimed.count == 3)
            try await kit.sync { c in try c.execute("UPDATE notifications SET claimed_at = now() - interval '2 minutes' WHERE status = 'sending'") }
            if round < 3 {
                let released = try await kit.sync { c in try NotificationQueue.releaseExpiredLeases(c, leaseSeconds: 60, maxLeases: 3) }
                #expect(released.requeued == 3 && released.dead.isEmpty)
            }
        }
        let pass = try await kit.worker(options).runOnce()
        #expect(pass.deadLettered == 3)
        #expect(try await kit.count("SELECT count(*) AS n FROM notifications WHERE \(ours) AND status = 'dead'") == 3)
        // Visible in the notification log, with the reason and each expiry.
        let log = try await kit.sync { c in try NotificationLog.recent(c, status: "dead") }
        #expect(log.count == 3)
        #expect(log.allSatisfy { $0.lastError?.hasPrefix("dead: the worker sending it stopped or hung 3 times") == true })
        #expect(log.allSatisfy { $0.history.map(\.status) == ["queued", "requeued", "requeued", "dead"] })
        // Nothing loops: later passes neither requeue nor send them; the team hears about the client's message.
        try await kit.drain(kit.worker(options))
        #expect(try await kit.count("SELECT count(*) AS n FROM notifications WHERE \(ours) AND status <> 'dead'") == 0)
        #expect(!kit.fake.acceptedMessages.contains { $0.template.hasPrefix("enquiry_received") })
        #expect(kit.fake.acceptedMessages.contains { $0.template == "delivery_failed_team" })
    }

    @Test func aJobWhoseWorkerKeepsDyingFailsAfterItsAttemptsInsteadOfLooping() async throws {
        let kit = try await NotificationKit.make()
        defer { kit.shutdown() }
        try await kit.sync { c in
            _ = try OutboxRepository.enqueueJob(c, kind: "portal_link_request", idempotencyKey: "hangs", payload: JSONB(#"{"phone":"+919900000001"}"#))
        }
        var results: [String] = []
        for _ in 1...2 {
            let claimed = try await kit.sync { c in try JobQueue.claim(c, limit: 10) }
            #expect(claimed.count == 1)
            results += try await kit.sync { c in
                try c.execute("UPDATE jobs SET claimed_at = now() - interval '10 minutes' WHERE status = 'running'")
                try JobQueue.releaseExpiredLeases(c, leaseSeconds: 60, maxAttempts: 2)
                return try c.query("SELECT status || ': ' || last_error AS s FROM jobs").map { try $0.decode("s", as: String.self) }
            }
        }
        #expect(results == ["queued: the worker running it stopped before finishing; running again",
                            "failed: gave up: the worker running it stopped or hung on each of its 2 attempts"])
        #expect(try await kit.sync { c in try JobQueue.claim(c, limit: 10) }.isEmpty)
    }

    @Test func anEmailResentAfterACrashKeepsItsMessageIDDerivedFromTheOutboxKey() async throws {
        let kit = try await NotificationKit.make(smtp: true)
        defer { kit.shutdown() }
        _ = try await kit.booking()
        try await kit.drain(kit.worker())
        let key = try #require(try await kit.strings("SELECT idempotency_key AS s FROM notifications WHERE channel = 'email' AND recipient_role = 'client'").first)
        let digest = SHA256.hash(data: Data(key.utf8)).prefix(16).map { String(format: "%02x", $0) }.joined()
        let expected = "<\(digest)@rochevents.test>"
        #expect(try await kit.strings("SELECT provider_message_id AS s FROM notifications WHERE idempotency_key = $1", key) == [expected])
        // The worker died after the server accepted the email: the row is sent again after its lease.
        try await kit.sync { c in
            try c.execute("UPDATE notifications SET status = 'sending', claimed_at = now() - interval '1 hour' WHERE idempotency_key = $1", key)
        }
        try await kit.drain(kit.worker(NotificationKit.options(lease: 60)))
        let copies = kit.sink?.messages.filter { $0.recipients == ["meera@example.com"] } ?? []
        #expect(copies.count == 2)
        #expect(copies.map { $0.header("Message-ID") } == [expected, expected])
    }
}
