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

    /// The accepted proposal: deposit, second instalment and balance.
    static func sendProposal(_ c: Connection, bookingID: Int64, eventDate: CalendarDay, acceptedOn: CalendarDay) throws {
        let scheduled = try plan.schedule(total: total, acceptedOn: acceptedOn, eventDate: eventDate)
        let milestones = zip(scheduled, plan.milestones).map { s, planned in
            NewPaymentMilestone(publicID: PublicID.make(), scheduled: s, dueRule: PaymentService.dueRule(planned.due))
        }
        let proposal = try PaymentMilestoneRepository.insertProposal(
            c, bookingID: bookingID, publicID: PublicID.make(), total: total, gstRateBP: GST.standardRateBasisPoints,
            plan: try JSONB(encoding: plan), createdBy: nil, milestones: milestones)
        try c.execute("""
            UPDATE proposals SET status = 'accepted', sent_at = now() - interval '2 days', accepted_at = now(),
                                 summary = 'Sangeet and wedding, 350 guests' WHERE id = $1
            """, proposal)
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
        let year = FinancialYear.containing(today)
        let sequence = try InvoiceRepository.nextSequence(c, prefix: receiptPrefix, financialYear: year.label)
        let split = GST.split(gross: deposit.amount)
        let receipt = try InvoiceRepository.insert(
            c, publicToken: PublicID.make(), number: InvoiceNumber.format(prefix: receiptPrefix, year: year, sequence: sequence),
            prefix: receiptPrefix, financialYear: year.label, sequence: sequence, bookingID: bookingID, milestoneID: deposit.id,
            paymentID: payment.id, amount: deposit.amount.paise, net: split.net.paise, tax: split.tax.paise,
            gstRateBP: GST.standardRateBasisPoints, issuedOn: today.description)
        _ = try TimelineRepository.append(c, bookingID: bookingID, kind: "payment", title: "Payment received: \(deposit.amount.inr)",
                                          body: "Thank you! We received \(deposit.amount.inr) towards your Deposit. Your receipt is ready.")
        try TeamRepository.audit(c, actor: "demo", action: "payment.received", entity: "payment_milestone", entityID: deposit.publicID,
                                 details: ["payment": payment.razorpayPaymentID, "amount_paise": String(deposit.amount.paise),
                                           "receipt": receipt.number])
    }

    /// One task done (the first call) and one open for the coordinator (the caterer's menu).
    static func addTasks(_ c: Connection, bookingID: Int64, coordinatorEmail: String) throws {
        let coordinator: Int64? = try c.query("SELECT id FROM staff_users WHERE email = $1", coordinatorEmail).first?.decode("id")
        let call = try TeamRepository.createTask(c, bookingID: bookingID, title: "Call the client within 24 h", assigneeRole: "coordinator",
                                                 assigneeID: coordinator, dueInHours: -24 * 40)
        try c.execute("UPDATE tasks SET done_at = due_at - interval '3 hours' WHERE id = $1", call)
        try TeamRepository.createTask(c, bookingID: bookingID, title: "Confirm the menu with Sharma Caterers", assigneeRole: "coordinator",
                                      assigneeID: coordinator, dueInHours: 48)
    }
}
