import Foundation
import RochApp
import RochCore
import RochHTTP
import RochStore
import RochTestSupport
import Testing

/// Serves a function's handler over HTTP on 127.0.0.1 (the fake WhatsApp API posts webhooks to it).
final class InProcessHTTP: @unchecked Sendable {
    private let lock = NSLock()
    private var handler: Handler?
    private(set) var server: FakeHTTPServer!

    init() throws {
        server = try FakeHTTPServer { [weak self] request in
            guard let handler = self?.lock.withLock({ self?.handler }) else { return .text(503, "not ready") }
            let parts = request.uri.split(separator: "?", maxSplits: 1, omittingEmptySubsequences: false)
            let r = Request(method: request.method, path: request.path, queryString: parts.count > 1 ? String(parts[1]) : "",
                            headers: Headers(request.headers.map { ($0.name, $0.value) }), remoteAddress: "127.0.0.1", body: request.body)
            let response = await ErrorResponder.respond(handler, to: r)
            return FakeHTTPResponse(status: response.status, headers: response.headers.map { ($0.name, $0.value) }, body: response.bodyBytes)
        }
    }

    var url: String { "http://127.0.0.1:\(server.port)/api/whatsapp-webhook" }
    func serve(_ h: @escaping Handler) { lock.withLock { handler = h } }
}

@Suite(.serialized) struct MomentsEndToEndTests {
    @Test func everyMomentReachesItsRecipientsThroughTheWorkerAndTheLogShowsRead() async throws {
        let http = try InProcessHTTP()
        defer { http.server.shutdown() }
        let kit = try await NotificationKit.make(smtp: true, automaticStatuses: ["sent", "delivered", "read"], webhookURL: http.url)
        defer { kit.shutdown() }
        let webhook = WhatsAppWebhookHandler(context: kit.context)
        http.serve { try await webhook.handle($0) }
        let config = kit.context.configuration
        let transitions = TransitionService(configuration: config)
        let notifier = BookingNotifier(configuration: config)
        try await kit.sync { c in try c.execute("INSERT INTO staff_users (email, name, role) VALUES ('priya@rochevents.in', 'Priya Shah', 'owner')") }

        // 1 enquiry_received: the site's form
        let booking = try await kit.booking()
        func fire(_ event: BookingEvent, actor: ActorKind = .teamMember, now: Date = Date(), _ parameters: [String: String] = [:]) async throws {
            try await kit.sync { c in
                try c.transaction { c in
                    try transitions.fire(TransitionRequest(bookingID: booking.id, event: event, actor: actor, actorLabel: "test",
                                                           reason: event == .cancel ? "test" : nil, parameters: parameters), on: c, now: now)
                }
            }
        }
        func notify(_ moment: NotificationMoment, _ extra: [String: String], vendor: NotificationPlanner.Contact? = nil) async throws {
            try await kit.sync { c in
                try c.transaction { c in
                    try notifier.notify(c, moment: moment, booking: try BookingRepository.find(c, id: booking.id)!, occurrence: "e2e",
                                        extra: extra, vendor: vendor)
                }
            }
        }
        // 2 discussion_scheduled, 3 proposal_sent (TransitionService)
        try await fire(.discuss, ["call_time": "Friday, 4 pm IST"])
        try await kit.sync { c in
            // A draft: send_proposal below marks it sent, as in production.
            try c.execute("INSERT INTO proposals (booking_id, public_id, total_paise) VALUES ($1, 'prop-e2e-000000000001', 150000000)", booking.id)
            try BookingRepository.schedule(c, id: booking.id, date: booking.eventDate, startTime: "18:30")
        }
        try await fire(.sendProposal, ["total_amount": "₹15,00,000", "proposal_link": "https://rochevents.test/portal/proposal"])
        // 4 payment_link_issued, 5 payment_received: the payments engineer's triggers
        try await notify(.paymentLinkIssued, ["milestone_label": "deposit", "amount": "₹4,50,000", "due_date": "Monday, 1 March 2027",
                                        "payment_link": "https://rzp.io/i/dep"])
        // 6 booking_confirmed (the payment webhook's transition) also queues schedule_reminders
        try await fire(.depositPaid, actor: .paymentWebhook)
        try await notify(.paymentReceived, ["milestone_label": "deposit", "amount": "₹4,50,000", "receipt_number": "RCPT/2026-27/0001",
                                      "invoice_link": "https://rochevents.test/portal/invoice/1"])
        // payment_failed: the payment webhook's follow-up of a failed attempt
        try await notify(.paymentFailed, ["milestone_label": "balance", "amount": "₹10,50,000", "due_date": "Monday, 1 March 2027",
                                          "failure_reason": "the bank or payment app declined it", "payment_link": "https://rzp.io/i/bal"])
        try await fire(.startPreparation)
        // 7 vendor_milestone_updated, 8 vendor_blocked: the vendors engineer's triggers
        try await notify(.vendorMilestoneUpdated, ["vendor_role": "Florist", "milestone_text": "Your floral arrangements have been confirmed"])
        try await notify(.vendorBlocked, ["vendor_name": "Lotus Decor", "blocked_reason": "the stage design waits on the venue layout",
                                    "update_link": "https://rochevents.test/v/abc"],
                   vendor: .init(name: "Lotus Decor", phone: "+919845011111", email: "lotus@example.com"))
        let worker = kit.worker()
        try await kit.drain(worker)  // also runs schedule_reminders
        // 9 payment_due_reminder (unpaid balance), 10/11 event reminders: bring them due now, as the clock would
        let today = IST.day(of: Date())
        try await kit.sync { c in
            _ = try c.transaction { c in
                try Reminders(configuration: config, milestones: { _, _ in
                    [PaymentReminderMilestone(sequence: 2, label: "balance", amount: Money(rupees: 1_050_000), dueOn: today.adding(days: 10), paymentLink: "https://rzp.io/i/bal")]
                }).reschedule(booking.id, on: c)
            }
            try c.execute("""
                UPDATE notifications SET next_attempt_at = now(), due_at = now(), stale_after = now() + interval '1 hour'
                WHERE status = 'queued' AND moment IN ('event_reminder_48h', 'event_reminder_2h', 'payment_due_reminder')
                """)
        }
        try await kit.drain(worker)
        // 12 event_completed (after the event date)
        try await fire(.complete, now: IST.instant(booking.eventDate.adding(days: 1), TimeOfDay(hour: 10, minute: 0)!))
        // start_time_missing is the reminder planner's (ReminderTests); queued here, after the planner and the
        // completion have withdrawn reminders, only to prove its template goes through the worker.
        try await notify(.startTimeMissing, [:])
        // event_rescheduled is the booking page's (EventDetailsTests); here only its templates through the worker.
        try await notify(.eventRescheduled, ["event_when": "Sunday, 7 March 2027 at 7:00 pm IST", "previous_when": "Monday, 1 March 2027 at 6:30 pm IST"])
        // the vendors desk's moments (issue 17), likewise only to prove their templates go through the worker
        try await notify(.vendorUnblocked, ["vendor_role": "Decorator", "vendor_name": "Marigold Decor"])
        try await notify(.vendorLinkSent, ["vendor_role": "Florist", "vendor_name": "Bloom & Petal", "update_link": "https://roch.example/api/vendor/t",
                                           "link_expiry": "Friday, 18 December 2026"],
                         vendor: .init(name: "Bloom & Petal", phone: "+919414000104", email: "orders@bloom.example"))
        try await notify(.vendorPaymentOverdue, ["vendor_role": "Florist", "vendor_name": "Bloom & Petal", "amount": "₹20,000",
                                                 "due_date": "Friday, 4 December 2026", "assignment_id": "7"])
        // task_assigned needs no call here: the transitions above created the lifecycle's tasks, and each told its
        // assignee (the coordinator), so the loop below finds its coordinator copies too (TaskAssignedTests for who).
        // booking_cancelled on a second booking
        let other = try await kit.booking(phone: "9123456780", name: "Kabir Shetty", email: "kabir@example.com")
        try await kit.sync { c in
            try c.transaction { c in
                try transitions.fire(TransitionRequest(bookingID: other.id, event: .cancel, actor: .teamMember, actorLabel: "test",
                                                       reason: "dates clash"), on: c)
            }
        }
        try await kit.drain(worker)
        await kit.fake.waitForWebhooks()

        let rows = try await kit.sync { c in
            try c.query("SELECT moment, recipient_role, channel, status FROM notifications WHERE moment <> 'delivery_failed'").map {
                (moment: try $0.decode("moment", as: String.self), role: try $0.decode("recipient_role", as: String.self),
                 channel: try $0.decode("channel", as: String.self), status: try $0.decode("status", as: String.self))
            }
        }
        // delivery_failed has its own worker tests; portal_link_requested is the portal's sign-in job (PortalLinkRequestTests)
        for moment in NotificationMoment.allCases where moment != .deliveryFailed && moment != .portalLinkRequested {
            let roles = Set(rows.filter { $0.moment == moment.rawValue }.map(\.role))
            #expect(roles == Set(NotificationCatalogue.recipients(of: moment).map(\.rawValue)), "\(moment.rawValue)")
            for role in roles {
                #expect(kit.fake.acceptedMessages.contains { $0.template == "\(moment.rawValue)_\(role)" }, "\(moment.rawValue) to \(role)")
            }
        }
        #expect(rows.filter { $0.channel == "whatsapp" }.allSatisfy { $0.status == "read" })
        #expect(rows.filter { $0.channel == "email" }.allSatisfy { $0.status == "sent" })
        let emails = kit.sink?.messages ?? []
        #expect(emails.count == rows.filter { $0.channel == "email" }.count)
        #expect(emails.contains { $0.recipients == ["priya@rochevents.in"] && $0.header("Subject")?.hasPrefix("New lead: Meera Nair") == true })
        #expect(emails.contains { $0.recipients == ["lotus@example.com"] })
        #expect(try await kit.count("SELECT count(*) AS n FROM notifications WHERE moment = 'delivery_failed'") == 0)
        #expect(kit.fake.webhookResponses.allSatisfy { $0 == 200 })

        let log = try await kit.sync { c in try NotificationLog.recent(c, limit: 500, bookingID: booking.id) }
        let whatsApp = log.filter { $0.channel == "whatsapp" }
        #expect(!whatsApp.isEmpty)
        #expect(whatsApp.allSatisfy { e in ["queued", "sent", "delivered", "read"].allSatisfy { s in e.history.contains { $0.status == s } } })
        #expect(log.allSatisfy { $0.bookingPublicID == booking.publicID })
        print("e2e: \(rows.count) messages, \(kit.fake.acceptedMessages.count) accepted by the fake WhatsApp API, \(emails.count) emails over SMTP, \(kit.fake.webhookResponses.count) status webhooks")
    }
}
