import Foundation
import RochCore
import RochStore

/// Brings a milestone up to date with the facts recorded about its money, in the caller's
/// transaction: counts newly captured payments (a receipt row, a timeline entry and the
/// `issue_payment_documents` job, which sends `payment_received` once the invoice exists, each),
/// applies processed refunds (each queues its credit note), derives the status, flags what does not add up, and confirms
/// the booking when the deposit is paid. Idempotent: running it again changes nothing.
struct PaymentSettlement {
    let configuration: Configuration
    let transitions: TransitionService

    init(configuration: Configuration) {
        self.configuration = configuration
        transitions = TransitionService(configuration: configuration)
    }

    /// What settling did, for the webhook delivery's outcome.
    struct Result {
        var status: PaymentMilestoneStatus
        var counted: [String] = []
        var refunds: [String] = []
        var confirmedBooking = false
    }

    func settle(_ c: Connection, milestoneID: Int64, now: Date = Date()) throws -> Result? {
        guard var m = try PaymentMilestoneRepository.lock(c, id: milestoneID),
              let booking = try BookingRepository.find(c, id: m.bookingID) else { return nil }
        let before = m
        var result = Result(status: m.status)

        // Receipt numbers are taken last (see `issueReceipts`): the counter row stays locked until commit.
        var counted: [(payment: PaymentRecord, token: String)] = []
        for payment in try PaymentLedgerRepository.uncountedPayments(c, milestoneID: m.id) {
            if payment.currency != m.currency {
                try raiseFlag(c, m, "Payment \(payment.razorpayPaymentID) came in \(payment.currency), not \(m.currency): not counted. Check it in the Razorpay dashboard.")
                continue
            }
            guard try PaymentLedgerRepository.markCounted(c, paymentID: payment.id) else { continue }
            m.amountPaid += payment.amount
            let token = PublicID.make()
            counted.append((payment, token))
            result.counted.append(payment.razorpayPaymentID)
            try TimelineRepository.append(c, bookingID: booking.id, kind: "payment", title: "Payment received: \(payment.amount.inr)",
                                          body: "Thank you! We received \(payment.amount.inr) towards your \(m.label). Your receipt is ready.",
                                          data: try JSONB(encoding: Self.timelineData(m, [
                                              "receipt_url": Self.receiptURL(site: configuration.siteURL, token: token),
                                              "amount_paise": String(payment.amount.paise)])))
        }

        for refund in try PaymentLedgerRepository.unappliedRefunds(c, milestoneID: m.id) {
            guard try PaymentLedgerRepository.markApplied(c, refundID: refund.id) else { continue }
            try CreditNoteJob.enqueue(c, refundID: refund.id)
            m.amountRefunded += refund.amount
            result.refunds.append(refund.refundID)
            try TimelineRepository.append(c, bookingID: booking.id, kind: "payment", title: "Refund processed: \(refund.amount.inr)",
                                          body: "We refunded \(refund.amount.inr) of your \(m.label). It reaches your account in 5-7 working days.",
                                          data: try JSONB(encoding: Self.timelineData(m, ["refund_paise": String(refund.amount.paise)])))
            try TeamRepository.audit(c, actor: "razorpay", action: "payment.refunded", entity: "payment_milestone", entityID: m.publicID,
                                     details: ["refund": refund.refundID, "payment": refund.paymentID, "amount_paise": String(refund.amount.paise)])
        }

        if !counted.isEmpty && booking.state == .cancelled {
            let amount = counted.reduce(Money.zero) { $0 + $1.payment.amount }
            try raiseFlag(c, m, "\(amount.inr) was paid towards the \(m.label) after the booking was cancelled: refund it or reinstate the booking.")
        }
        if !counted.isEmpty {
            // The client paid after all: a queued "your payment did not go through" is now wrong.
            try OutboxRepository.cancelQueued(c, bookingID: booking.id, moments: [.paymentFailed], reason: "a payment was received")
        }
        if m.amountPaid > m.amount {
            try raiseFlag(c, m, "Overpaid: \(m.amountPaid.inr) received against \(m.amount.inr) (\((m.amountPaid - m.amount).inr) extra). Refund or adjust.")
        }

        let link = try PaymentLedgerRepository.currentLink(c, milestoneID: m.id)
        m.status = PaymentMilestoneStatus.derive(amount: m.amount, paid: m.amountPaid, refunded: m.amountRefunded, currentLink: link?.status)
        result.status = m.status
        guard m.status != before.status || m.amountPaid != before.amountPaid || m.amountRefunded != before.amountRefunded else { return result }
        try PaymentMilestoneRepository.saveSettlement(c, id: m.id, status: m.status, amountPaid: m.amountPaid, amountRefunded: m.amountRefunded)

        if m.status != before.status {
            try TeamRepository.audit(c, actor: "razorpay", action: "payment_milestone.status", entity: "payment_milestone", entityID: m.publicID,
                                     details: ["from": before.status.rawValue, "to": m.status.rawValue])
            switch m.status {
            case .expired:
                try TimelineRepository.append(c, bookingID: booking.id, kind: "payment", title: "Payment link expired: \(m.label)",
                                              body: "The link for your \(m.label) expired. Your coordinator will send a new one.",
                                              data: try JSONB(encoding: Self.timelineData(m, ["status": m.status.rawValue])))
            case .cancelled where booking.state != .cancelled:   // a cancelled booking's timeline already says so
                try TimelineRepository.append(c, bookingID: booking.id, kind: "payment", title: "Payment link cancelled: \(m.label)",
                                              body: "The link for your \(m.label) was cancelled. Your coordinator will be in touch.",
                                              data: try JSONB(encoding: Self.timelineData(m, ["status": m.status.rawValue])))
            case .paid where m.isDeposit:
                result.confirmedBooking = try confirmBooking(c, milestone: m, bookingID: booking.id)
            default: break
            }
        }
        try issueReceipts(c, counted, milestone: m, booking: booking, now: now)
        return result
    }

    /// One receipt row per counted payment, and the job that prints its documents. Done last in
    /// the transaction because the financial year's counter row is locked from here to COMMIT.
    private func issueReceipts(_ c: Connection, _ counted: [(payment: PaymentRecord, token: String)], milestone m: PaymentMilestoneRecord,
                               booking: BookingRecord, now: Date) throws {
        for (payment, token) in counted {
            let receipt = try issueReceipt(c, milestone: m, booking: booking, payment: payment, token: token, now: now)
            // The PDFs (tax invoice, receipt) are issued by the worker, which then queues
            // `payment_received` linking the invoice: the message never links a document not yet there.
            try PaymentDocumentsJob.enqueue(c, receiptID: receipt.id)
            try TeamRepository.audit(c, actor: "razorpay", action: "payment.received", entity: "payment_milestone", entityID: m.publicID,
                                     details: ["payment": payment.razorpayPaymentID, "amount_paise": String(payment.amount.paise),
                                               "receipt": receipt.number])
        }
    }

    /// The deposit is paid: proposal_sent -> deposit_paid through the lifecycle table, and the
    /// remaining milestones get their links. A deposit on a booking in any other state is flagged.
    private func confirmBooking(_ c: Connection, milestone m: PaymentMilestoneRecord, bookingID: Int64) throws -> Bool {
        guard let booking = try BookingRepository.lock(c, id: bookingID) else { return false }
        guard booking.state == .proposalSent else {
            // (Money on a cancelled booking is flagged when it is counted, for every milestone.)
            if booking.state == .enquiry || booking.state == .discussion {
                try raiseFlag(c, m, "The \(m.label) was paid while the booking is \(booking.state.label): refund it or reinstate the booking.")
            }
            return false
        }
        try transitions.fire(TransitionRequest(bookingID: booking.id, event: .depositPaid, actor: .paymentWebhook, actorLabel: "razorpay",
                                               expectedState: .proposalSent, parameters: ["milestone_label": m.label, "amount": m.amount.inr]),
                             on: c)
        try c.execute("UPDATE proposals SET status = 'accepted', accepted_at = COALESCE(accepted_at, now()) WHERE id = $1", m.proposalID)
        try OutboxRepository.enqueueJob(c, kind: PaymentLinkJob.kind, idempotencyKey: "create_payment_link:\(booking.id):remaining",
                                        payload: try JSONB(encoding: ["booking_id": String(booking.id), "milestones": "remaining"]))
        return true
    }

    /// A receipt with the next gap-free number of the financial year (in India) it is issued in.
    private func issueReceipt(_ c: Connection, milestone m: PaymentMilestoneRecord, booking: BookingRecord, payment: PaymentRecord,
                              token: String, now: Date) throws -> InvoiceRecord {
        let gstRate: Int64 = try c.query("SELECT gst_rate_bp::bigint AS r FROM proposals WHERE id = $1", m.proposalID).first?.decode("r")
            ?? GST.standardRateBasisPoints
        let day = IST.day(of: now)
        let year = FinancialYear.containing(day)
        let prefix = "RE"
        let sequence = try InvoiceRepository.nextSequence(c, prefix: prefix, financialYear: year.label)
        let split = GST.split(gross: payment.amount, rateBasisPoints: gstRate)
        return try InvoiceRepository.insert(c, publicToken: token, number: InvoiceNumber.format(prefix: prefix, year: year, sequence: sequence),
                                            prefix: prefix, financialYear: year.label, sequence: sequence, bookingID: booking.id,
                                            milestoneID: m.id, paymentID: payment.id, amount: payment.amount.paise, net: split.net.paise,
                                            tax: split.tax.paise, gstRateBP: gstRate, issuedOn: day.description)
    }

    /// Something does not add up: a visible flag on the milestone, an audit row, a task for accounts (once per distinct flag).
    func raiseFlag(_ c: Connection, _ m: PaymentMilestoneRecord, _ message: String) throws {
        guard try PaymentMilestoneRepository.flag(c, id: m.id, message: message) else { return }
        try TeamRepository.audit(c, actor: "razorpay", action: "payment.flagged", entity: "payment_milestone", entityID: m.publicID,
                                 details: ["flag": message])
        try TeamRepository.createTask(c, bookingID: m.bookingID, title: "Check payment (\(m.label)): \(message)", assigneeRole: "accounts",
                                      assigneeID: nil, dueInHours: 24)
    }

    /// Where a receipt is printed from (the razorpay-webhook function serves it).
    static func receiptURL(site: String, token: String) -> String { "\(site)/api/razorpay-webhook/receipt/\(token)" }

    static func timelineData(_ m: PaymentMilestoneRecord, _ extra: [String: String]) -> [String: String] {
        var data = ["milestone": m.publicID, "label": m.label, "milestone_amount_paise": String(m.amount.paise),
                    "amount_paid_paise": String(m.amountPaid.paise)]
        data.merge(extra) { _, new in new }
        return data
    }
}
