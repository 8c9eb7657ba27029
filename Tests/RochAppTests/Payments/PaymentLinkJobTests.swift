import Foundation
import RochApp
import RochCore
import RochHTTP
import RochIntegrations
import RochStore
import RochTestSupport
import Testing

/// The worker's `create_payment_link` job against the fake Razorpay.
@Suite struct PaymentLinkJobTests {
    @Test func sendingTheProposalQueuesTheJobAndItIssuesTheDepositLinkOnly() async throws {
        let f = try await PaymentFixture()
        #expect(try f.count("SELECT 1 FROM jobs WHERE kind = 'create_payment_link' AND payload->>'milestones' = 'on_acceptance'") == 1)
        try await f.runQueuedLinkJobs()

        let deposit = try f.milestone(1)
        #expect(deposit.status == .linkIssued)
        #expect(try f.milestone(2).status == .pending)
        let links = f.fake.allLinks
        #expect(links.count == 1)
        let link = try #require(links.first)
        #expect(link.id == deposit.razorpayLinkID)
        #expect(link.shortURL == deposit.shortURL)
        #expect(link.referenceID == deposit.publicID)
        #expect(link.amount == deposit.amount.paise)
        #expect(link.callbackURL == "https://rochevents.test/api/razorpay-webhook/return")
        #expect(link.callbackMethod == "get")
        #expect(link.notify == ["sms": false, "email": false])
        #expect(link.customer["name"] == "Ananya Rao")
        #expect(link.customer["contact"] == "+919876543210")
        #expect(link.acceptPartial)
        #expect(link.expireBy > Int64(Date().timeIntervalSince1970) + 6 * 86_400)
        #expect(link.description.contains("Deposit"))
        #expect(link.notes["milestone"] == deposit.publicID)

        #expect(try f.outbox("payment_link_issued").contains("client:whatsapp"))
        let params = try f.strings("""
            SELECT concat_ws('|', parameters->>'milestone_label', parameters->>'amount', parameters->>'due_date', parameters->>'payment_link') AS v
            FROM notifications WHERE moment = 'payment_link_issued' AND channel = 'whatsapp'
            """)
        #expect(params == ["Deposit|\(deposit.amount.inr)|\(NotificationFormat.date(deposit.dueOn))|\(link.shortURL)"])
        #expect(try f.count("SELECT 1 FROM portal_events WHERE kind = 'payment' AND title = 'Payment link ready: Deposit'") == 1)
    }

    @Test func runningTheJobAgainCreatesNoSecondLinkAndNoSecondMessage() async throws {
        let f = try await PaymentFixture()
        try await f.runLinkJob()
        try await f.runLinkJob()
        #expect(f.fake.allLinks.count == 1)
        #expect(try f.count("SELECT 1 FROM payment_links") == 1)
        #expect(try f.outbox("payment_link_issued").filter { $0 == "client:whatsapp" }.count == 1)
    }

    @Test func aCrashBetweenCreateAndStoreFindsRazorpaysLinkByReferenceID() async throws {
        let f = try await PaymentFixture()
        let deposit = try f.milestone(1)
        // The earlier run reserved the link and Razorpay made it, then the worker died before storing it.
        try f.context.database.withConnectionSync { c in
            _ = try PaymentLedgerRepository.reserveLink(c, milestoneID: deposit.id, attempt: 1, referenceID: deposit.publicID,
                                                        amount: deposit.amount, expireBy: Date().addingTimeInterval(8 * 86_400))
        }
        let client = RazorpayClient(configuration: .init(apiBase: f.fake.apiBase, keyID: PaymentFixture.keyID, keySecret: PaymentFixture.keySecret))
        let made = try await client.createPaymentLink(PaymentLinkRequest(amount: deposit.amount.paise, referenceID: deposit.publicID))
        #expect(try f.milestone(1).razorpayLinkID == nil)

        try await f.runLinkJob()
        #expect(f.fake.allLinks.count == 1)
        let stored = try f.milestone(1)
        #expect(stored.razorpayLinkID == made.id)
        #expect(stored.status == .linkIssued)
        #expect(try f.strings("SELECT status AS v FROM payment_links") == ["created"])
        // The second create was refused by Razorpay for the reused reference_id, then the link was fetched.
        #expect(f.fake.apiRequests.filter { $0.method == "POST" }.count == 2)
    }

    @Test func aWebhookForALinkTheWorkerNeverStoredStillFindsItsMilestone() async throws {
        let f = try await PaymentFixture()
        let deposit = try f.milestone(1)
        try f.context.database.withConnectionSync { c in
            _ = try PaymentLedgerRepository.reserveLink(c, milestoneID: deposit.id, attempt: 1, referenceID: deposit.publicID,
                                                        amount: deposit.amount, expireBy: Date().addingTimeInterval(8 * 86_400))
        }
        let client = RazorpayClient(configuration: .init(apiBase: f.fake.apiBase, keyID: PaymentFixture.keyID, keySecret: PaymentFixture.keySecret))
        let made = try await client.createPaymentLink(PaymentLinkRequest(amount: deposit.amount.paise, referenceID: deposit.publicID))
        let paid = try f.fake.pay(linkID: made.id)
        #expect(await f.deliver(all: paid.deliveries) == [200, 200])
        #expect(try f.milestone(1).status == .paid)
        #expect(try f.milestone(1).razorpayLinkID == made.id)
        #expect(try f.bookingState() == .depositPaid)
    }

    @Test func withoutRazorpayTheMilestoneStaysPendingWithANoteAndTheJobFinishes() async throws {
        let f = try await PaymentFixture(razorpay: false)
        try await f.runQueuedLinkJobs()
        let deposit = try f.milestone(1)
        #expect(deposit.status == .pending)
        #expect(deposit.note == "pending: Razorpay not configured")
        #expect(deposit.razorpayLinkID == nil)
        #expect(f.fake.allLinks.isEmpty)
        #expect(try f.outbox("payment_link_issued").isEmpty)
    }

    @Test func razorpayServerErrorsAskTheWorkerToRetryAndTheRetryMakesOneLink() async throws {
        let f = try await PaymentFixture()
        f.fake.injectTransientFailures(3)   // the client's three attempts all get 500
        await #expect {
            try await f.runLinkJob()
        } throws: { error in
            if case .retry = error as? JobFailure { return true }
            return false
        }
        #expect(try f.milestone(1).status == .pending)
        try await f.runLinkJob()
        #expect(try f.milestone(1).status == .linkIssued)
        #expect(f.fake.allLinks.count == 1)
        #expect(try f.count("SELECT 1 FROM payment_links") == 1)
    }

    @Test func proposalsAreCheckedAndScheduledFromThePlan() async throws {
        let f = try await PaymentFixture(sendProposal: false)
        let milestones = try await f.payments.milestones(bookingID: f.bookingID)
        #expect(milestones.map(\.label) == ["Deposit", "Balance"])
        #expect(milestones.map(\.amount.paise).reduce(0, +) == Money(rupees: 500_000).paise)
        #expect(milestones[0].amount == Money(rupees: 150_000))
        #expect(milestones[1].dueOn == f.eventDate.adding(days: -7))
        // A new proposal replaces the old schedule.
        _ = try await f.payments.createProposal(bookingID: f.bookingID, total: Money(rupees: 600_000), actor: "staff:1")
        let replaced = try await f.payments.milestones(bookingID: f.bookingID)
        #expect(replaced.map(\.amount.paise).reduce(0, +) == Money(rupees: 600_000).paise)
        #expect(try f.count("SELECT 1 FROM proposals WHERE status = 'superseded'") == 1)
        await #expect { try await f.payments.createProposal(bookingID: f.bookingID, total: .zero, actor: "staff:1") }
            throws: { ($0 as? HTTPError)?.status == 422 }
        await #expect { try await f.payments.reissueLink(milestoneID: replaced[0].id + 1_000, actor: "staff:1") }
            throws: { ($0 as? HTTPError)?.status == 404 }
    }
}
