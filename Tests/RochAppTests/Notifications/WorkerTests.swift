import Foundation
@testable import RochApp
import RochCore
import RochIntegrations
import RochStore
import RochTestSupport
import Testing

@Suite(.serialized) struct WorkerTests {
    @Test func aQueuedWhatsAppMessageIsSentAsItsTemplateAndLoggedWithTheMessageID() async throws {
        let kit = try await NotificationKit.make()
        defer { kit.shutdown() }
        let booking = try await kit.booking()
        let pass = try await kit.drain(kit.worker())
        #expect(pass.sent == 2)  // enquiry_received: client and team on WhatsApp
        let accepted = kit.fake.acceptedMessages
        let client = try #require(accepted.first { $0.template == "enquiry_received_client" })
        #expect(client.to == "+919988776655")
        #expect(client.parameters == ["Meera Nair", "Reception", NotificationFormat.date(booking.eventDate)])
        #expect(accepted.contains { $0.template == "enquiry_received_team" && $0.to == NotificationKit.staffPhone })
        let ids = try await kit.strings("SELECT provider_message_id AS s FROM notifications WHERE channel = 'whatsapp' AND status = 'sent' ORDER BY id")
        #expect(Set(ids) == Set(accepted.map(\.wamid)))
        let history = try await kit.strings("""
            SELECT e.status AS s FROM notification_events e JOIN notifications n ON n.id = e.notification_id
            WHERE n.channel = 'whatsapp' AND n.recipient_role = 'client' ORDER BY e.id
            """)
        #expect(history == ["queued", "sent"])
    }

    @Test func unconfiguredProvidersSkipRowsWithTheReasonAndSendNothing() async throws {
        let kit = try await NotificationKit.make(whatsApp: false)
        defer { kit.shutdown() }
        _ = try await kit.booking()
        let pass = try await kit.drain(kit.worker())
        #expect(pass.skipped == 3 && pass.sent == 0)
        #expect(try await kit.strings("SELECT DISTINCT last_error AS s FROM notifications WHERE channel = 'whatsapp'") == ["skipped: WhatsApp not configured"])
        #expect(try await kit.strings("SELECT DISTINCT last_error AS s FROM notifications WHERE channel = 'email'") == ["skipped: email not configured"])
        #expect(try await kit.count("SELECT count(*) AS n FROM notifications WHERE status <> 'skipped'") == 0)
        #expect(kit.fake.sendAttempts == 0)
    }

    @Test func emailGoesOverSMTPAsTextAndHTMLAndAClientWithoutConsentGetsEmailOnly() async throws {
        let kit = try await NotificationKit.make(smtp: true)
        defer { kit.shutdown() }
        _ = try await kit.booking(name: "Asha <b>Rao</b>", consent: false)
        try await kit.drain(kit.worker())
        let sink = try #require(kit.sink)
        #expect(sink.messages.count == 1)  // the client, by email only; the team has no admin email here
        let email = try #require(sink.messages.first)
        #expect(email.recipients == ["meera@example.com"])
        #expect(email.header("Subject") == "We have received your enquiry, Asha <b>Rao</b>")
        #expect(email.header("From")?.contains("hello@rochevents.test") == true)
        #expect(email.parts["text/plain"]?.contains("Namaste Asha <b>Rao</b>,") == true)
        #expect(email.parts["text/html"]?.contains("Namaste Asha &lt;b&gt;Rao&lt;/b&gt;,") == true)
        #expect(!kit.fake.acceptedMessages.contains { $0.template.hasSuffix("_client") })
        let id = try await kit.strings("SELECT provider_message_id AS s FROM notifications WHERE channel = 'email' AND status = 'sent'")
        #expect(id.count == 1 && id.first == email.header("Message-ID"))
    }

    @Test func transientFailuresAreRetriedWithBackoffUntilSent() async throws {
        let kit = try await NotificationKit.make()
        defer { kit.shutdown() }
        _ = try await kit.booking()
        kit.fake.injectTransientFailures(4)  // HTTP 500, code 2: both messages fail twice
        let worker = kit.worker()
        let first = try await worker.runOnce()
        #expect(first.retried == 2)
        let waiting = try await kit.sync { c in
            try c.query("SELECT attempts, last_error, next_attempt_at > now() AS later FROM notifications WHERE status = 'queued'").map {
                (try $0.decode("attempts", as: Int.self), try $0.decode("last_error", as: String.self), try $0.decode("later", as: Bool.self))
            }
        }
        #expect(waiting.count == 2)
        #expect(waiting.allSatisfy { $0.0 == 1 && $0.1.contains("code 2") })
        try await kit.drain(worker)
        #expect(try await kit.count("SELECT count(*) AS n FROM notifications WHERE status = 'sent' AND attempts = 3") == 2)
        #expect(try await kit.count("SELECT count(*) AS n FROM notification_events WHERE status = 'retrying'") == 4)
        #expect(kit.fake.acceptedMessages.count == 2)
    }

    @Test func rateLimitsAndServerErrorsAreRetriedWhileUndeliverableAndTemplateErrorsAreFinal() {
        let delivery = Delivery(whatsApp: nil, email: nil, rateLimit: nil, options: NotificationKit.options())
        func outcome(_ e: WhatsAppError, attempt: Int = 1) -> String {
            switch delivery.classify(e, attempt: attempt) {
            case .retry(_, let minimum): return minimum.map { "retry after \($0)" } ?? "retry"
            case .failed(_, let cause): return "failed \(cause)"
            default: return "other"
            }
        }
        #expect(outcome(WhatsAppError(kind: .network(.timeout), message: "timed out")) == "retry")
        #expect(outcome(WhatsAppError(kind: .http, httpStatus: 502, message: "bad gateway")) == "retry")
        #expect(outcome(WhatsAppError(kind: .http, httpStatus: 429, message: "slow down")) == "retry")
        #expect(outcome(WhatsAppError(kind: .api, httpStatus: 400, code: 130429, message: "throughput")) == "retry")
        #expect(outcome(WhatsAppError(kind: .api, httpStatus: 400, code: 131056, message: "pair"), attempt: 2) == "retry after 0.04")
        #expect(outcome(WhatsAppError(kind: .api, httpStatus: 400, code: 131026, message: "undeliverable")) == "failed whatsapp_131026")
        #expect(outcome(WhatsAppError(kind: .api, httpStatus: 400, code: 132000, message: "params")) == "failed whatsapp_132000")
        #expect(outcome(WhatsAppError(kind: .api, httpStatus: 400, code: 131047, message: "24 h")) == "failed whatsapp_131047")
        #expect(outcome(WhatsAppError(kind: .api, httpStatus: 401, code: 190, message: "token")) == "failed whatsapp_190")
    }

    @Test func thePairRateLimitBacksOffByPowersOfFour() async throws {
        let kit = try await NotificationKit.make(pairWindow: 3_600)
        defer { kit.shutdown() }
        let booking = try await kit.booking()
        try await kit.sync { c in
            try c.transaction { c in
                try BookingNotifier(configuration: kit.context.configuration).notify(c, moment: .eventCompleted, booking: booking, roles: [.client])
            }
        }
        var options = NotificationKit.options()
        options.pairRateLimitUnit = 10  // 4^0 x 10 s after the first attempt: far enough ahead to read back
        _ = try await kit.worker(options).runOnce()
        let row = try await kit.sync { c in
            try c.query("""
                SELECT last_error, extract(epoch FROM next_attempt_at - updated_at)::float8 AS wait FROM notifications WHERE status = 'queued'
                """).first!
        }
        #expect(try row.decode("last_error", as: String.self).contains("131056"))
        #expect(try row.decode("wait", as: Double.self) >= 9.9)
    }

    @Test func aPermanentFailureIsFailedWithItsReasonAndAlertsTheTeamOncePerCause() async throws {
        let kit = try await NotificationKit.make(undeliverable: ["919988776655"])
        defer { kit.shutdown() }
        let booking = try await kit.booking()
        let worker = kit.worker()
        try await kit.drain(worker)
        let reason = try await kit.strings("SELECT last_error AS s FROM notifications WHERE moment = 'enquiry_received' AND recipient_role = 'client' AND channel = 'whatsapp'")
        #expect(try await kit.strings("SELECT status AS s FROM notifications WHERE moment = 'enquiry_received' AND recipient_role = 'client' AND channel = 'whatsapp'") == ["failed"])
        #expect(reason.first?.contains("131026") == true)
        let alert = try #require(kit.fake.acceptedMessages.first { $0.template == "delivery_failed_team" })
        #expect(alert.to == NotificationKit.staffPhone)
        #expect(alert.parameters[0] == "enquiry received" && alert.parameters[2] == "Meera Nair")
        // A second undeliverable message for the same booking and cause: no second alert.
        try await kit.sync { c in
            try c.transaction { c in
                try BookingNotifier(configuration: kit.context.configuration).notify(c, moment: .eventCompleted, booking: booking, roles: [.client])
            }
        }
        try await kit.drain(worker)
        #expect(try await kit.count("SELECT count(*) AS n FROM notifications WHERE status = 'failed'") == 2)
        #expect(try await kit.count("SELECT count(*) AS n FROM notifications WHERE moment = 'delivery_failed'") == 1)
    }

    @Test func aMessageThatCannotBeRenderedFailsWithoutBeingSent() async throws {
        let kit = try await NotificationKit.make()
        defer { kit.shutdown() }
        let booking = try await kit.booking()
        try await kit.sync { c in
            _ = try OutboxRepository.enqueue(c, [OutboxMessage(
                idempotencyKey: "payment_link_issued:\(booking.id):client:broken", moment: .paymentLinkIssued, bookingID: booking.id,
                recipientRole: .client, recipientName: "Meera", channel: .whatsapp, address: "+919988776655",
                parameters: ["client_name": "Meera"])])
        }
        try await kit.drain(kit.worker())
        let error = try await kit.strings("SELECT last_error AS s FROM notifications WHERE moment = 'payment_link_issued'")
        #expect(error.first?.contains("Parameter 'milestone_label' is missing") == true)
        #expect(!kit.fake.acceptedMessages.contains { $0.template == "payment_link_issued_client" })
        #expect(try await kit.count("SELECT count(*) AS n FROM notifications WHERE moment = 'delivery_failed' AND idempotency_key LIKE '%:render'") == 1)
    }

    @Test func aStaleReminderIsSkippedWithTheReasonNotSentLate() async throws {
        let kit = try await NotificationKit.make()
        defer { kit.shutdown() }
        let booking = try await kit.booking()
        try await kit.sync { c in
            try c.transaction { c in
                try BookingNotifier(configuration: kit.context.configuration).notify(
                    c, moment: .eventReminder2h, booking: booking, occurrence: "late", extra: ["event_time": "6:30 pm IST"],
                    dueAt: Date().addingTimeInterval(-7_200), staleAfter: Date().addingTimeInterval(-60))
            }
        }
        let pass = try await kit.drain(kit.worker())
        #expect(pass.sent == 2)  // only the enquiry messages
        let reasons = try await kit.strings("SELECT last_error AS s FROM notifications WHERE moment = 'event_reminder_2h'")
        #expect(reasons.count == 4 && reasons.allSatisfy { $0.hasPrefix("skipped: stale: due ") && $0.hasSuffix("not sent late") })
        #expect(!kit.fake.acceptedMessages.contains { $0.template.hasPrefix("event_reminder_2h") })
    }

    @Test func rowsLeftSendingByADeadWorkerAreSentAgainAfterTheLease() async throws {
        let kit = try await NotificationKit.make()
        defer { kit.shutdown() }
        _ = try await kit.booking()
        // A worker claims the batch and dies before sending.
        let claimed = try await kit.sync { c in try NotificationQueue.claim(c, limit: 10) }
        #expect(claimed.count == 3)  // client WhatsApp + email, team WhatsApp
        #expect(try await kit.worker().runOnce().claimed == 0)  // still leased: nobody else takes them
        try await kit.sync { c in try c.execute("UPDATE notifications SET claimed_at = now() - interval '10 minutes' WHERE status = 'sending'") }
        try await kit.drain(kit.worker(NotificationKit.options(lease: 60)))
        #expect(try await kit.count("SELECT count(*) AS n FROM notifications WHERE status = 'sent' AND attempts = 2") == 2)
        #expect(try await kit.count("SELECT count(*) AS n FROM notification_events WHERE status = 'requeued'") == 3)
        // The dead worker's late report cannot overwrite the new outcome.
        #expect(try await kit.sync { c in try NotificationQueue.markSent(c, claimed[0], providerMessageID: "wamid.late") } == false)
    }

    @Test func concurrentWorkersNeverSendTheSameRowTwice() async throws {
        let kit = try await NotificationKit.make()
        defer { kit.shutdown() }
        let booking = try await kit.booking()
        try await kit.sync { c in
            _ = try OutboxRepository.enqueue(c, (0..<300).map { i in
                OutboxMessage(idempotencyKey: "event_completed:\(booking.id):client:\(i)", moment: .eventCompleted, bookingID: booking.id,
                              recipientRole: .client, recipientName: "Guest \(i)", channel: .whatsapp, address: "+9198000\(String(format: "%05d", i))",
                              parameters: ["client_name": "Guest \(i)", "event_type": "Reception", "review_link": "https://r.test/"])
            })
        }
        let workers = (0..<4).map { _ in kit.worker() }
        try await withThrowingTaskGroup(of: Void.self) { group in
            for w in workers { group.addTask { try await kit.drain(w) } }
            try await group.waitForAll()
        }
        let guests = kit.fake.acceptedMessages.filter { $0.template == "event_completed_client" }
        #expect(guests.count == 300)
        #expect(Set(guests.map(\.to)).count == 300)
        #expect(try await kit.count("SELECT count(*) AS n FROM notifications WHERE status = 'sent'") == 302)
    }

    @Test func theRateLimitPacesSendsToTheConfiguredRate() async throws {
        let kit = try await NotificationKit.make()
        defer { kit.shutdown() }
        let booking = try await kit.booking()
        try await kit.sync { c in
            _ = try OutboxRepository.enqueue(c, (0..<40).map { i in
                OutboxMessage(idempotencyKey: "rate:\(i)", moment: .eventCompleted, bookingID: booking.id, recipientRole: .client,
                              recipientName: "Guest", channel: .whatsapp, address: "+9197000\(String(format: "%05d", i))",
                              parameters: ["client_name": "Guest", "event_type": "Reception", "review_link": "https://r.test/"])
            })
        }
        let started = ContinuousClock.now
        try await kit.drain(kit.worker(NotificationKit.options(rate: 20)))
        let elapsed = ContinuousClock.now - started
        #expect(kit.fake.acceptedMessages.count == 42)
        // The bucket hands out one slot every 50 ms across all concurrent sends: 42 sends cannot
        // all start in less than 41 x 50 ms (unlimited, they take a fraction of that).
        #expect(elapsed >= .milliseconds(2_050))
    }

    @Test func aStopRequestFinishesTheBatchInHandAndTheLoopWakesOnNotify() async throws {
        let kit = try await NotificationKit.make()
        defer { kit.shutdown() }
        var options = NotificationKit.options()
        options.pollInterval = 600  // only NOTIFY outbox can wake it in time
        let worker = kit.worker(options)
        let loop = Task { await worker.run() }
        // Wait until the worker is waiting: it LISTENs and has asked when the next row is due (the last
        // thing it does before it sleeps), so only the NOTIFY of the booking's outbox rows can wake it.
        let ready = Date().addingTimeInterval(20)
        var isWaiting = false
        while !isWaiting && Date() < ready {
            let listening = try await kit.count("SELECT count(*) AS n FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid() AND query ILIKE 'LISTEN%'")
            let waiting = try await kit.count("SELECT count(*) AS n FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid() AND state = 'idle' AND query LIKE '%least((SELECT min(next_attempt_at) FROM notifications%'")
            isWaiting = listening > 0 && waiting > 0
            if !isWaiting { try await Task.sleep(for: .milliseconds(20)) }
        }
        #expect(isWaiting, "the worker never went to wait for NOTIFY")
        _ = try await kit.booking()
        let deadline = Date().addingTimeInterval(20)
        while try await kit.count("SELECT count(*) AS n FROM notifications WHERE status = 'sent'") < 2, Date() < deadline {
            try await Task.sleep(for: .milliseconds(20))
        }
        worker.requestStop()
        await loop.value
        #expect(try await kit.count("SELECT count(*) AS n FROM notifications WHERE status = 'sent'") == 2)
        #expect(try await kit.count("SELECT count(*) AS n FROM notifications WHERE status = 'sending'") == 0)
    }

    @Test func jobsRetryWithBackoffThenFailAndUnknownKindsWaitForAWorkerThatKnowsThem() async throws {
        let kit = try await NotificationKit.make()
        defer { kit.shutdown() }
        try await kit.sync { c in
            try OutboxRepository.enqueueJob(c, kind: "flaky", idempotencyKey: "flaky:1", payload: JSONB("{}"))
            try OutboxRepository.enqueueJob(c, kind: "mystery", idempotencyKey: "mystery:1", payload: JSONB("{}"))
        }
        var options = NotificationKit.options()
        options.jobMaxAttempts = 3
        try await kit.drain(kit.worker(options, handlers: ["flaky": FlakyJob()]))
        let flaky = try await kit.sync { c in try c.query("SELECT status, attempts, last_error FROM jobs WHERE kind = 'flaky'").first! }
        #expect(try flaky.decode("status", as: String.self) == "failed")
        #expect(try flaky.decode("attempts", as: Int.self) == 3)
        #expect(try flaky.decode("last_error", as: String.self) == "gave up after 3 attempts: provider down")
        // A kind this worker does not know waits for a worker that does (rolling deploys), then fails.
        let mystery = try await kit.sync { c in try c.query("SELECT status, last_error, next_attempt_at > now() + interval '4 minutes' AS later FROM jobs WHERE kind = 'mystery'").first! }
        #expect(try mystery.decode("status", as: String.self) == "queued")
        #expect(try mystery.decode("last_error", as: String.self) == "no handler for job kind 'mystery' in this worker")
        #expect(try mystery.decode("later", as: Bool.self))
        try await kit.sync { c in try c.execute("UPDATE jobs SET next_attempt_at = now(), attempts = 2 WHERE kind = 'mystery'") }
        try await kit.drain(kit.worker(options))
        #expect(try await kit.strings("SELECT status || ': ' || last_error AS s FROM jobs WHERE kind = 'mystery'")
                == ["failed: gave up after 3 attempts: no handler for job kind 'mystery' in this worker"])
    }

    @Test func theTokenBucketSpacesReservationsEvenlyAcrossTasks() async {
        let bucket = TokenBucket(ratePerSecond: 50)
        let start = ContinuousClock.now
        await withTaskGroup(of: Void.self) { group in
            for _ in 0..<26 { group.addTask { await bucket.acquire() } }
        }
        // 26 slots 20 ms apart: the last one is at least 500 ms after the first.
        #expect(ContinuousClock.now - start >= .milliseconds(490))
    }
}

struct FlakyJob: JobHandler {
    let kind = "flaky"
    func run(_ job: JobRecord, context: AppContext) async throws { throw JobFailure.retry(reason: "provider down", after: 0.01) }
}
