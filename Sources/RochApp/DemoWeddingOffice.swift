import Foundation
import RochCore
import RochStore

/// The office side of the demo wedding: the proposal and its payment schedule, the deposit that
/// confirmed it (with its receipt), the team's tasks and the audit rows of each step, so the
/// staff booking page has every section to show. Written the way the services write them.
extension DemoWedding {
    static let total = Money(rupees: 40_00_000)
    static let plan = PaymentPlan(milestones: [
        PlannedMilestone(label: "Deposit", share: .percent(basisPoints: 3_000), due: .onAcceptance),
        PlannedMilestone(label: "Second instalment", share: .percent(basisPoints: 4_000), due: .daysBeforeEvent(30)),
        PlannedMilestone(label: "Balance", share: .remainder, due: .daysBeforeEvent(7)),
    ])
    /// Demo receipts are numbered DEMO/<year>/0001, apart from the real RE/ series.
    static let receiptPrefix = "DEMO"

    /// A moment of the story: `days` from the day it is seeded, at `time` in India.
    struct Instant {
        let days: Int
        let time: String
        func day(_ today: CalendarDay) -> CalendarDay { today.adding(days: days) }
        /// As PostgreSQL reads it (`…+05:30`).
        func on(_ today: CalendarDay) -> String { "\(day(today)) \(time):00+05:30" }
    }

    /// When each step happened, oldest first: the enquiry six weeks ago, the first call the next day,
    /// the proposal sent and accepted two weeks ago, the deposit two days later, then preparation.
    enum Story {
        static let enquiry = Instant(days: -41, time: "19:10")
        static let discussion = Instant(days: -39, time: "11:00")
        static let proposalSent = Instant(days: -16, time: "18:30")
        static let accepted = Instant(days: -14, time: "10:15")
        static let depositPaid = Instant(days: -12, time: "10:20")
        static let preparation = Instant(days: -11, time: "12:00")
        static let venueConfirmed = Instant(days: -10, time: "16:00")
    }

    /// The client timeline entry the lifecycle table writes for `(from, event)` (or for an enquiry).
    static func portalEntry(_ from: BookingState, _ event: BookingEvent) -> PortalEntryTemplate? {
        BookingLifecycle.transition(from: from, event: event).flatMap { portalEntry($0.actions) }
    }

    static func portalEntry(_ actions: [BookingAction]) -> PortalEntryTemplate? {
        actions.lazy.compactMap { action -> PortalEntryTemplate? in
            if case .portalEntry(let entry) = action { return entry }
            return nil
        }.first
    }

    /// Dates every row of the demo wedding written so far in this transaction and not dated yet (they
    /// still carry the transaction's `now()`) at `instant`, so each step shows the day it happened.
    static func date(_ c: Connection, bookingID: Int64, at instant: String) throws {
        let statements = [
            "UPDATE bookings SET created_at = $2::timestamptz WHERE id = $1 AND created_at = now()",
            "UPDATE clients SET created_at = $2::timestamptz WHERE id = (SELECT client_id FROM bookings WHERE id = $1) AND created_at = now()",
            "UPDATE booking_transitions SET at = $2::timestamptz WHERE booking_id = $1 AND at = now()",
            "UPDATE portal_events SET created_at = $2::timestamptz WHERE booking_id = $1 AND created_at = now()",
            "UPDATE proposals SET created_at = $2::timestamptz WHERE booking_id = $1 AND created_at = now()",
            "UPDATE payment_milestones SET created_at = $2::timestamptz WHERE booking_id = $1 AND created_at = now()",
            "UPDATE payment_milestones SET paid_at = $2::timestamptz WHERE booking_id = $1 AND paid_at = now()",
            """
            UPDATE payments SET created_at = $2::timestamptz, captured_at = $2::timestamptz, counted_at = $2::timestamptz
            WHERE milestone_id IN (SELECT id FROM payment_milestones WHERE booking_id = $1) AND created_at = now()
            """,
            "UPDATE invoices SET issued_at = $2::timestamptz WHERE booking_id = $1 AND issued_at = now()",
            "UPDATE vendor_assignments SET created_at = $2::timestamptz WHERE booking_id = $1 AND created_at = now()",
            """
            UPDATE vendor_payments SET created_at = $2::timestamptz
            WHERE assignment_id IN (SELECT id FROM vendor_assignments WHERE booking_id = $1) AND created_at = now()
            """,
            "UPDATE tasks SET created_at = $2::timestamptz WHERE booking_id = $1 AND created_at = now()",
        ]
        for sql in statements { try c.execute(sql, bookingID, instant) }
        try c.execute("UPDATE audit_log SET at = $1::timestamptz WHERE actor = 'demo' AND at = now()", instant)
    }

    /// The accepted proposal: deposit, second instalment and balance.
    static func sendProposal(_ c: Connection, bookingID: Int64, eventDate: CalendarDay, today: CalendarDay) throws {
        let scheduled = try plan.schedule(total: total, acceptedOn: Story.accepted.day(today), eventDate: eventDate)
        let milestones = zip(scheduled, plan.milestones).map { s, planned in
            NewPaymentMilestone(publicID: PublicID.make(), scheduled: s, dueRule: PaymentService.dueRule(planned.due))
        }
        let proposal = try PaymentMilestoneRepository.insertProposal(
            c, bookingID: bookingID, publicID: PublicID.make(), total: total, gstRateBP: GST.standardRateBasisPoints,
            plan: try JSONB(encoding: plan), createdBy: nil, milestones: milestones)
        try c.execute("""
            UPDATE proposals SET status = 'accepted', sent_at = $2::timestamptz, accepted_at = $3::timestamptz,
                                 summary = 'Sangeet and wedding, 350 guests' WHERE id = $1
            """, proposal, Story.proposalSent.on(today), Story.accepted.on(today))
        try TeamRepository.audit(c, actor: "demo", action: "proposal.created", entity: "booking", entityID: publicID,
                                 details: ["total_paise": String(total.paise)])
    }

    /// The deposit paid by UPI, counted towards its milestone, with a receipt and a timeline entry.
    static func receiveDeposit(_ c: Connection, bookingID: Int64, today: CalendarDay) throws {
        guard let deposit = try PaymentMilestoneRepository.forBooking(c, bookingID: bookingID).first(where: \.isDeposit) else { return }
        let payment = try PaymentLedgerRepository.upsertPayment(c, ReportedPayment(
            razorpayPaymentID: "pay_DEMO\(bookingID)DEPOSIT", orderID: nil, amount: deposit.amount, currency: "INR",
            status: "captured", method: "upi"), milestoneID: deposit.id, paymentLinkID: nil)
        _ = try PaymentLedgerRepository.markCounted(c, paymentID: payment.id)
        try PaymentMilestoneRepository.saveSettlement(c, id: deposit.id, status: .paid, amountPaid: deposit.amount, amountRefunded: .zero)
        let paidOn = Story.depositPaid.day(today)
        let year = FinancialYear.containing(paidOn)
        let sequence = try InvoiceRepository.nextSequence(c, prefix: receiptPrefix, financialYear: year.label)
        let split = GST.split(gross: deposit.amount)
        let receipt = try InvoiceRepository.insert(
            c, publicToken: PublicID.make(), number: InvoiceNumber.format(prefix: receiptPrefix, year: year, sequence: sequence),
            prefix: receiptPrefix, financialYear: year.label, sequence: sequence, bookingID: bookingID, milestoneID: deposit.id,
            paymentID: payment.id, amount: deposit.amount.paise, net: split.net.paise, tax: split.tax.paise,
            gstRateBP: GST.standardRateBasisPoints, issuedOn: paidOn.description)
        _ = try TimelineRepository.append(c, bookingID: bookingID, kind: "payment", title: "Payment received: \(deposit.amount.inr)",
                                          body: "Thank you! We received \(deposit.amount.inr) towards your Deposit. Your receipt is ready.")
        try TeamRepository.audit(c, actor: "demo", action: "payment.received", entity: "payment_milestone", entityID: deposit.publicID,
                                 details: ["payment": payment.razorpayPaymentID, "amount_paise": String(deposit.amount.paise),
                                           "receipt": receipt.number])
    }

    /// The first call, asked for by the enquiry and done three hours before it was due.
    static func addFirstCall(_ c: Connection, bookingID: Int64, coordinatorEmail: String, today: CalendarDay) throws {
        let call = try TeamRepository.createTask(c, bookingID: bookingID, title: "Call the client within 24 h", assigneeRole: "coordinator",
                                                 assigneeID: try staffID(c, coordinatorEmail), dueInHours: 0)
        try c.execute("""
            UPDATE tasks SET due_at = $2::timestamptz + interval '24 hours', done_at = $2::timestamptz + interval '21 hours' WHERE id = $1
            """, call, Story.enquiry.on(today))
    }

    /// In progress now: the coordinator still has to confirm the caterer's menu (the decorator waits on it).
    static func addMenuTask(_ c: Connection, bookingID: Int64, coordinatorEmail: String) throws {
        try TeamRepository.createTask(c, bookingID: bookingID, title: "Confirm the menu with Sharma Caterers", assigneeRole: "coordinator",
                                      assigneeID: try staffID(c, coordinatorEmail), dueInHours: 48)
    }

    static func staffID(_ c: Connection, _ email: String) throws -> Int64? {
        try c.query("SELECT id FROM staff_users WHERE email = $1", email).first?.decode("id")
    }
}
