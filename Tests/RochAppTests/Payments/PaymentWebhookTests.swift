import Foundation
import RochApp
import RochCore
import RochHTTP
import RochIntegrations
import RochStore
import RochTestSupport
import Testing

/// The razorpay-webhook function against a fake Razorpay: every scenario asserts the milestone,
/// the booking, receipts and the outbox.
@Suite struct PaymentWebhookTests {
    let f: PaymentFixture
    let fy = FinancialYear.containing(IST.day(of: Date())).label

    init() async throws {
        f = try await PaymentFixture()
        try await f.runQueuedLinkJobs()
    }

    @Test func depositPaidInFullConfirmsTheBookingWithOneReceiptAndTheRightMessages() async throws {
        let deposit = try f.milestone(1)
        #expect(deposit.status == .linkIssued)
        let paid = try f.fake.pay(linkID: deposit.razorpayLinkID!)
        #expect(await f.deliver(all: paid.deliveries) == [200, 200])

        let after = try f.milestone(1)
        #expect(after.status == .paid)
        #expect(after.amountPaid == deposit.amount)
        #expect(try f.bookingState() == .depositPaid)
        #expect(try f.strings("SELECT number AS v FROM invoices") == ["RE/\(fy)/0001"])
        try await f.runQueuedDocumentJobs()
        #expect(try f.outbox("payment_received").sorted() == ["client:email", "client:whatsapp", "team:whatsapp"])
        #expect(try f.outbox("booking_confirmed").contains("client:whatsapp"))
        #expect(try f.count("SELECT 1 FROM booking_transitions WHERE booking_id = $1 AND event = 'deposit_paid' AND actor = 'razorpay'", f.bookingID) == 1)
        #expect(try f.count("SELECT 1 FROM portal_events WHERE booking_id = $1 AND kind = 'payment' AND title LIKE 'Payment received%'", f.bookingID) == 1)
        #expect(try f.strings("SELECT parameters->>'receipt_number' AS v FROM notifications WHERE moment = 'payment_received' LIMIT 1") == ["RE/\(fy)/0001"])
        // The message links the tax invoice issued for the payment, on the portal.
        let invoice = try f.strings("SELECT public_id AS v FROM documents WHERE kind = 'tax_invoice' AND source LIKE 'payment:%'")
        #expect(invoice.count == 1)
        #expect(try f.strings("SELECT DISTINCT parameters->>'invoice_link' AS v FROM notifications WHERE moment = 'payment_received'")
                == ["https://rochevents.test/api/portal/documents/\(invoice.first ?? "")"])
        // The balance gets its link once the deposit is in.
        #expect(try f.count("SELECT 1 FROM jobs WHERE kind = 'create_payment_link' AND payload->>'milestones' = 'remaining'") == 1)
        try await f.runQueuedLinkJobs()
        let balance = try f.milestone(2)
        #expect(balance.status == .linkIssued)
        // The balance, paid later: a receipt and payment_received, and no second confirmation.
        let balancePaid = try f.fake.pay(linkID: balance.razorpayLinkID!)
        #expect(await f.deliver(all: balancePaid.deliveries) == [200, 200])
        #expect(try f.milestone(2).status == .paid)
        #expect(try f.bookingState() == .depositPaid)
        #expect(try f.strings("SELECT number AS v FROM invoices ORDER BY id") == ["RE/\(fy)/0001", "RE/\(fy)/0002"])
        try await f.runQueuedDocumentJobs()
        #expect(try f.outbox("payment_received").count == 6)
        #expect(try f.count("SELECT 1 FROM booking_transitions WHERE booking_id = $1 AND event = 'deposit_paid'", f.bookingID) == 1)
        #expect(try f.count("SELECT 1 FROM portal_events WHERE booking_id = $1 AND kind = 'payment' AND title LIKE 'Payment received%'", f.bookingID) == 2)
        // payment.captured came first and could not be tied to a milestone yet; payment_link.paid did the rest.
        let outcomes = try f.strings("SELECT event || ' ' || split_part(outcome, ':', 1) AS v FROM webhook_deliveries WHERE processed_at IS NOT NULL ORDER BY id")
        #expect(outcomes.prefix(2) == ["payment.captured recorded", "payment_link.paid processed"])
    }

    @Test func aPartialPaymentThenTheRestPaysTheMilestoneWithTwoReceipts() async throws {
        let deposit = try f.milestone(1)
        let first = try f.fake.pay(linkID: deposit.razorpayLinkID!, amount: 5_000_000)
        #expect(await f.deliver(all: first.deliveries) == [200, 200])
        var m = try f.milestone(1)
        #expect(m.status == .partiallyPaid)
        #expect(m.amountPaid == Money(paise: 5_000_000))
        #expect(try f.bookingState() == .proposalSent)
        #expect(try f.outbox("booking_confirmed").isEmpty)
        try await f.runQueuedDocumentJobs()
        #expect(try f.outbox("payment_received").count == 3)

        let rest = try f.fake.pay(linkID: deposit.razorpayLinkID!)
        #expect(await f.deliver(all: rest.deliveries) == [200, 200])
        m = try f.milestone(1)
        #expect(m.status == .paid)
        #expect(m.amountPaid == deposit.amount)
        #expect(try f.bookingState() == .depositPaid)
        #expect(try f.strings("SELECT number AS v FROM invoices ORDER BY id") == ["RE/\(fy)/0001", "RE/\(fy)/0002"])
        #expect(try f.strings("SELECT amount_paise::text AS v FROM invoices ORDER BY id") == ["5000000", String(deposit.amount.paise - 5_000_000)])
        try await f.runQueuedDocumentJobs()
        #expect(try f.outbox("payment_received").count == 6)
        #expect(try f.outbox("booking_confirmed").contains("client:whatsapp"))
    }

    @Test func anExpiredLinkIsReissuedAndThenPaidAndAPaidMilestoneNeverGoesBackToExpired() async throws {
        let oldLink = try f.currentLinkID()
        let expired = try f.fake.expire(linkID: oldLink)
        #expect(await f.deliver(expired).status == 200)
        #expect(try f.milestone(1).status == .expired)
        #expect(try f.count("SELECT 1 FROM portal_events WHERE booking_id = $1 AND title LIKE 'Payment link expired%'", f.bookingID) == 1)

        try await f.payments.reissueLink(milestoneID: try f.milestone(1).id, actor: "staff:1")
        try await f.payments.reissueLink(milestoneID: try f.milestone(1).id, actor: "staff:1")   // a double click queues one job
        #expect(try f.count("SELECT 1 FROM jobs WHERE kind = 'create_payment_link' AND status = 'queued'") == 1)
        try await f.runQueuedLinkJobs()
        let reissued = try f.milestone(1)
        #expect(reissued.status == .linkIssued)
        #expect(reissued.razorpayLinkID != oldLink)
        #expect(f.fake.link(id: reissued.razorpayLinkID!)?.referenceID == "\(reissued.publicID)-2")
        #expect(try f.outbox("payment_link_issued").filter { $0.hasPrefix("client") }.count == 4)   // first link + reissued, WhatsApp + email

        // The old link's expiry delivered again, late, changes nothing.
        #expect(await f.deliver(try SignedEvent.edited(expired) { _ in }).status == 200)
        #expect(try f.milestone(1).status == .linkIssued)

        let paid = try f.fake.pay(linkID: reissued.razorpayLinkID!)
        #expect(await f.deliver(all: paid.deliveries) == [200, 200])
        #expect(try f.milestone(1).status == .paid)
        #expect(try f.bookingState() == .depositPaid)

        // An expiry for the paid link (impossible, but order is not guaranteed) cannot undo it.
        let bogus = try SignedEvent.edited(paid.deliveries[1]) { json in
            json["event"] = "payment_link.expired"
            json.editEntity("payment_link") { $0["status"] = "expired" }
        }
        #expect(await f.deliver(bogus).status == 200)
        #expect(try f.milestone(1).status == .paid)
        #expect(try f.strings("SELECT status AS v FROM payment_links ORDER BY attempt") == ["expired", "paid"])
        #expect(try f.count("SELECT 1 FROM invoices") == 1)
    }

    @Test func aCancelledLinkShowsAsCancelledAndCanBeReissued() async throws {
        let link = try f.currentLinkID()
        let client = RazorpayClient(configuration: .init(apiBase: f.fake.apiBase, keyID: PaymentFixture.keyID, keySecret: PaymentFixture.keySecret))
        let cancelled = try await client.cancelPaymentLink(id: link)
        #expect(cancelled.status == .cancelled)
        // Razorpay's webhook for it, as the fake would send it.
        let event = try SignedEvent.edited(try f.fake.failPayment(linkID: link)) { json in
            json["event"] = "payment_link.cancelled"
            json["contains"] = ["payment_link"]
            json["payload"] = ["payment_link": ["entity": ["id": link, "entity": "payment_link", "status": "cancelled", "amount": try! f.milestone(1).amount.paise,
                                                           "amount_paid": 0, "currency": "INR", "reference_id": try! f.milestone(1).publicID,
                                                           "short_url": "https://rzp.io/i/x", "created_at": 1, "cancelled_at": 2]]]
        }
        #expect(await f.deliver(event).status == 200)
        #expect(try f.milestone(1).status == .cancelled)
        #expect(try f.count("SELECT 1 FROM portal_events WHERE title LIKE 'Payment link cancelled%'") == 1)
        try await f.payments.reissueLink(milestoneID: try f.milestone(1).id, actor: "staff:1")
        try await f.runQueuedLinkJobs()
        #expect(try f.milestone(1).status == .linkIssued)
        #expect(try f.milestone(1).razorpayLinkID != link)
    }

    @Test func aFailedAttemptThenACaptureOfTheSameAttemptCountsOnceInEitherOrder() async throws {
        let link = try f.currentLinkID()
        #expect(await f.deliver(try f.fake.failPayment(linkID: link)).status == 200)
        #expect(try f.milestone(1).status == .linkIssued)

        let paid = try f.fake.pay(linkID: link)
        let failedSameAttempt = try SignedEvent.edited(paid.deliveries[0]) { json in
            json["event"] = "payment.failed"
            json.editEntity("payment") { $0["status"] = "failed"; $0["captured"] = false; $0["error_code"] = "BAD_REQUEST_ERROR" }
        }
        #expect(await f.deliver(failedSameAttempt).status == 200)
        #expect(try f.milestone(1).status == .linkIssued)
        #expect(await f.deliver(all: paid.deliveries) == [200, 200])
        #expect(try f.milestone(1).status == .paid)
        // ...and a failure report arriving after the capture does not undo it.
        #expect(await f.deliver(try SignedEvent.edited(paid.deliveries[0]) { json in
            json["event"] = "payment.failed"
            json.editEntity("payment") { $0["status"] = "failed"; $0["captured"] = false }
        }).status == 200)
        #expect(try f.milestone(1).status == .paid)
        #expect(try f.strings("SELECT status AS v FROM payments WHERE razorpay_payment_id = $1", paid.paymentID) == ["captured"])
        #expect(try f.count("SELECT 1 FROM payments WHERE status = 'failed'") == 1)   // the other attempt
        #expect(try f.count("SELECT 1 FROM invoices") == 1)
        #expect(try f.bookingState() == .depositPaid)
    }

    @Test func theSameWebhookDeliveredFiftyTimesAtOnceTakesEffectOnce() async throws {
        let paid = try f.fake.pay(linkID: try f.currentLinkID())
        let notificationsBefore = try f.count("SELECT 1 FROM notifications")
        let lastBefore = Int64(try f.strings("SELECT COALESCE(max(id), 0)::text AS v FROM notifications")[0])!
        let statuses = await withTaskGroup(of: Int.self) { group in
            for _ in 0..<50 { group.addTask { await f.deliver(paid.deliveries[1]).status } }
            return await group.reduce(into: []) { $0.append($1) }
        }
        #expect(statuses == Array(repeating: 200, count: 50))
        #expect(try f.milestone(1).status == .paid)
        #expect(try f.bookingState() == .depositPaid)
        #expect(try f.count("SELECT 1 FROM invoices") == 1)
        #expect(try f.count("SELECT 1 FROM payments WHERE counted_at IS NOT NULL") == 1)
        #expect(try f.count("SELECT 1 FROM booking_transitions WHERE event = 'deposit_paid'") == 1)
        try await f.runQueuedDocumentJobs(again: true)   // a document job run twice issues nothing twice
        #expect(try f.strings("SELECT kind || ' ' || number AS v FROM documents WHERE kind <> 'proposal' ORDER BY id") == ["tax_invoice INV/\(fy)/0001", "receipt RE/\(fy)/0001"])
        let added = try f.count("SELECT 1 FROM notifications") - notificationsBefore
        // ... and the tasks confirming creates tell their assignees once (task_assigned).
        let tasksTold = try f.strings("SELECT parameters->>'task_title' AS v FROM notifications WHERE moment = 'task_assigned' AND id > $1 ORDER BY id", lastBefore)
        #expect(Set(tasksTold) == ["Book vendors", "Issue deposit invoice"])
        #expect(added == Int64(try f.outbox("payment_received").count + f.outbox("booking_confirmed").count + tasksTold.count))
        #expect(try f.outbox("payment_received").count == 3)
        #expect(try f.count("SELECT 1 FROM webhook_deliveries WHERE event_id = $1", paid.deliveries[1].eventID) == 50)
        #expect(try f.count("SELECT 1 FROM webhook_deliveries WHERE event_id = $1 AND processed_at IS NOT NULL", paid.deliveries[1].eventID) == 1)
        #expect(try f.count("SELECT 1 FROM webhook_deliveries WHERE outcome = 'duplicate' AND duplicate_of IS NOT NULL") == 49)
        // The captured event arriving afterwards adds nothing.
        #expect(await f.deliver(paid.deliveries[0]).status == 200)
        #expect(try f.count("SELECT 1 FROM invoices") == 1)
    }

    @Test func eventsInReverseOrderEndInTheSameState() async throws {
        let link = try f.currentLinkID()
        let first = try f.fake.pay(linkID: link, amount: 5_000_000)
        let rest = try f.fake.pay(linkID: link)
        let all = first.deliveries + rest.deliveries
        #expect(await f.deliver(all: all.reversed()) == [200, 200, 200, 200])
        let m = try f.milestone(1)
        #expect(m.status == .paid)
        #expect(m.amountPaid == m.amount)
        #expect(try f.bookingState() == .depositPaid)
        #expect(try f.count("SELECT 1 FROM invoices") == 2)
        try await f.runQueuedDocumentJobs()
        #expect(try f.outbox("payment_received").count == 6)
        #expect(try f.strings("SELECT status AS v FROM payment_links") == ["paid"])
        #expect(try f.count("SELECT 1 FROM payments WHERE milestone_id IS NULL") == 0)
    }

    @Test(arguments: ["bad signature", "missing signature", "another secret", "tampered body"])
    func aDeliveryThatIsNotSignedByRazorpayIsStoredAsRejectedAndChangesNothing(_ attack: String) async throws {
        let paid = try f.fake.pay(linkID: try f.currentLinkID())
        let genuine = SignedEvent(paid.deliveries[1])
        var forged = genuine
        var expected = 401
        switch attack {
        case "bad signature": forged.signature = String(repeating: "0", count: 64)
        case "missing signature": forged.signature = nil; expected = 400
        case "another secret": forged.signature = WebhookSignature.signRazorpay(body: genuine.body, secret: "someone_else")
        default:
            forged.body = Array(String(decoding: genuine.body, as: UTF8.self)
                .replacingOccurrences(of: "\"status\":\"paid\"", with: "\"status\":\"paid\" ").utf8)
            #expect(forged.body != genuine.body)
        }
        let before = try f.snapshot()
        let response = await f.deliver(forged)
        #expect(response.status == expected)
        #expect(try f.snapshot() == before)
        #expect(try f.milestone(1).status == .linkIssued)
        #expect(try f.strings("SELECT outcome AS v FROM webhook_deliveries WHERE NOT signature_ok").allSatisfy { $0.hasPrefix("rejected") })
        // Kept as evidence: the body's digest, length and first 512 bytes (WebhookRetentionTests).
        #expect(try f.count("""
            SELECT 1 FROM webhook_deliveries WHERE NOT signature_ok AND event_id = $1
            AND body_sha256 = sha256($2) AND body_length = length($2) AND raw_body = substring($2 FROM 1 FOR 512)
            """, genuine.eventID, ByteA(forged.body)) == 1)
        // A forged delivery cannot use up the event id: the genuine one still takes effect.
        #expect(await f.deliver(genuine).status == 200)
        #expect(try f.milestone(1).status == .paid)
    }

    @Test func anAmountThatDoesNotMatchTheMilestoneIsFlaggedNotAccepted() async throws {
        let deposit = try f.milestone(1)
        let paid = try f.fake.pay(linkID: deposit.razorpayLinkID!)
        // Someone changed the link's amount on Razorpay's side: ₹1,000 paid in full.
        let short = try SignedEvent.edited(paid.deliveries[1]) { json in
            json.editEntity("payment_link") { $0["amount"] = 100_000; $0["amount_paid"] = 100_000; $0["payments"] = NSNull() }
            json.editEntity("payment") { $0["amount"] = 100_000; $0["id"] = "pay_Short000000001" }
        }
        #expect(await f.deliver(short).status == 200)
        let m = try f.milestone(1)
        #expect(m.status == .partiallyPaid)
        #expect(m.amountPaid == Money(paise: 100_000))
        #expect(m.flag?.contains("asks for ₹1,000") == true)
        #expect(try f.bookingState() == .proposalSent)
        #expect(try f.count("SELECT 1 FROM audit_log WHERE action = 'payment.flagged'") == 1)
        #expect(try f.count("SELECT 1 FROM tasks WHERE assignee_role = 'accounts' AND title LIKE 'Check payment%'") == 1)
        #expect(try f.outbox("booking_confirmed").isEmpty)
    }

    @Test func aPaymentInAnotherCurrencyIsFlaggedAndNotCounted() async throws {
        let paid = try f.fake.pay(linkID: try f.currentLinkID())
        let dollars = try SignedEvent.edited(paid.deliveries[0]) { json in
            json.editEntity("payment") { $0["currency"] = "USD" }
        }
        #expect(await f.deliver(dollars).status == 200)
        // Tie it to the milestone through the link event, whose own payment is the USD one too.
        let linkEvent = try SignedEvent.edited(paid.deliveries[1]) { json in
            json.editEntity("payment") { $0["currency"] = "USD" }
            json.editEntity("payment_link") { $0["payments"] = NSNull() }
        }
        #expect(await f.deliver(linkEvent).status == 200)
        let m = try f.milestone(1)
        #expect(m.amountPaid == .zero)
        #expect(m.status != .paid)
        #expect(m.flag?.contains("USD") == true)
        #expect(try f.count("SELECT 1 FROM invoices") == 0)
        #expect(try f.bookingState() == .proposalSent)
        #expect(try f.outbox("payment_received").isEmpty)
        #expect(try f.count("SELECT 1 FROM tasks WHERE title LIKE 'Check payment%USD%'") == 1)
    }

    @Test func aProcessedRefundIsRecordedOnTheMilestoneOnce() async throws {
        let paid = try f.fake.pay(linkID: try f.currentLinkID())
        _ = await f.deliver(all: paid.deliveries)
        let deposit = try f.milestone(1)
        let partial = try f.fake.refund(paymentID: paid.paymentID, amount: 1_000_000)
        #expect(await f.deliver(partial).status == 200)
        #expect(await f.deliver(partial).status == 200)   // redelivered
        var m = try f.milestone(1)
        #expect(m.status == .paid)
        #expect(m.amountRefunded == Money(paise: 1_000_000))
        let rest = try f.fake.refund(paymentID: paid.paymentID)
        #expect(await f.deliver(rest).status == 200)
        m = try f.milestone(1)
        #expect(m.status == .refunded)
        #expect(m.amountRefunded == deposit.amount)
        #expect(m.amountPaid == deposit.amount)   // amounts only grow
        #expect(try f.count("SELECT 1 FROM refunds WHERE applied_at IS NOT NULL") == 2)
        #expect(try f.count("SELECT 1 FROM portal_events WHERE title LIKE 'Refund processed%'") == 2)
        #expect(try f.bookingState() == .depositPaid)   // cancelling is the team's decision
    }

    @Test func unknownEventsAreStoredAndAcknowledged() async throws {
        let event = try SignedEvent.signed(["entity": "event", "account_id": "acc_X", "event": "order.paid", "contains": ["order"],
                                            "payload": [String: Any](), "created_at": 1_700_000_000])
        let response = await f.deliver(event)
        #expect(response.status == 200)
        #expect(response.json["status"] as? String == "ignored")
        #expect(try f.strings("SELECT outcome AS v FROM webhook_deliveries WHERE event = 'order.paid' AND signature_ok") == ["ignored: order.paid is not an event we act on"])
    }

    @Test func aSignedEventWeActOnButCannotReadIsKeptAndNotAcknowledged() async throws {
        let paid = try f.fake.pay(linkID: try f.currentLinkID())
        let unreadable = try SignedEvent.edited(paid.deliveries[1]) { json in
            json.editEntity("payment_link") { $0["amount"] = "one lakh fifty thousand" }
        }
        let response = await f.deliver(unreadable)
        #expect(response.status == 500)
        #expect(try f.strings("SELECT outcome AS v FROM webhook_deliveries WHERE event_id = $1", unreadable.eventID) == ["error: signed payment_link.paid body could not be read"])
        #expect(try f.milestone(1).status == .linkIssued)
        // Razorpay's retry of the real event still works.
        #expect(await f.deliver(all: paid.deliveries) == [200, 200])
        #expect(try f.milestone(1).status == .paid)
    }

    @Test func wrongMethodsAndPathsAreRefused() async throws {
        #expect(await f.get("").status == 405)
        #expect(await f.get("/nothing-here").status == 404)
        #expect(await f.get("/receipt/short").status == 404)
        #expect(await f.get("/receipt/" + String(repeating: "a", count: 26)).status == 404)
    }
}

@Suite struct PaymentWebhookConfigurationTests {
    @Test func theGSTINOnReceiptsIsValidatedAndOptional() throws {
        let base = ["DATABASE_URL": "postgresql://roch@127.0.0.1:5432/roch"]
        #expect(try Configuration(environment: base).businessGSTIN == nil)
        #expect(try Configuration(environment: base).warnings.contains { $0.contains("BUSINESS_GSTIN") })
        #expect(try Configuration(environment: base.merging(["BUSINESS_GSTIN": "27aapfr1234k1z5"]) { $1 }).businessGSTIN == "27AAPFR1234K1Z5")
        #expect { try Configuration(environment: base.merging(["BUSINESS_GSTIN": "GSTIN-PLACEHOLDER"]) { $1 }) }
            throws: { ($0 as? Configuration.Problems)?.description.contains("BUSINESS_GSTIN") == true }
    }

    @Test func withoutRazorpayConfiguredTheWebhookAnswers503AndRecordsNothing() async throws {
        let f = try await PaymentFixture(razorpay: false)
        let event = try SignedEvent.signed(["event": "payment.captured"])
        let response = await f.deliver(event)
        #expect(response.status == 503)
        #expect(response.text.contains("RAZORPAY_WEBHOOK_SECRET"))
        #expect(try f.count("SELECT 1 FROM webhook_deliveries") == 0)
    }

    // Vector from razorpay/razorpay-node (test/utils/razorpay-utils.spec.js), also checked by
    // WebhookSignatureTests: the function accepts the SDK's published body, signature and secret.
    @Test func razorpayNodeSDKVectorIsAcceptedByTheFunction() async throws {
        let f = try await PaymentFixture(webhookSecret: "123456")
        let body = Array(#"{"a":1,"b":2,"c":{"d":3}}"#.utf8)
        let accepted = await f.deliver(SignedEvent(eventID: "evt_node_vector", body: body,
                                                   signature: "2fe04e22977002e6c7cb553adab8b460cb9e2a4970d5953cb27a8472752e3bbc"))
        #expect(accepted.status == 200)
        #expect(accepted.json["status"] as? String == "ignored")
        let rejected = await f.deliver(SignedEvent(eventID: "evt_node_vector", body: body, signature: "sdfafds"))
        #expect(rejected.status == 401)
        #expect(try f.count("SELECT 1 FROM webhook_deliveries WHERE signature_ok") == 1)
        #expect(try f.count("SELECT 1 FROM webhook_deliveries WHERE NOT signature_ok") == 1)
    }
}
