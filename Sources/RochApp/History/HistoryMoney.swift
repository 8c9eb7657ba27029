import Foundation
import RochCore

/// The money side of a generated history: proposals and their milestones (summing to the
/// proposal's total), captured instalments, failed attempts, refunds and gap-free receipts.
extension HistoryGenerator {
    mutating func addProposal(_ b: HistoryDataset.Booking, reached: [BookingState: Date]) {
        guard let sentAt = reached[.proposalSent] else { return }
        let range = HistoryDistribution.proposalRupees(budget: b.budget)
        let total = Money(rupees: Int64.random(in: range, using: &rng) / 1_000 * 1_000)
        let acceptedAt = reached[.depositPaid]
        let proposalID = Int64(data.proposals.count + 1)
        data.proposals.append(HistoryDataset.Proposal(id: proposalID, bookingID: b.id, publicID: rng.publicID(), total: total,
                                                      status: acceptedAt == nil ? "sent" : "accepted", createdAt: sentAt,
                                                      acceptedAt: acceptedAt))
        // Deposit 30 % on acceptance; the rest in 2-4 instalments up to a week before the event.
        let count = rng.int(3...5)
        let deposit = total.percent(basisPoints: 3_000)
        let rest = (total - deposit).split(into: count - 1)
        let sentDay = HistoryTime.day(sentAt)
        let lastDue = max(sentDay.adding(days: 4), b.eventDate.adding(days: -7))
        let span = sentDay.adding(days: 3).days(until: lastDue)
        let stoppedAt = reached[.cancelled]
        let final = b.state == .cancelled || (b.state != .completed && b.eventDate < today)
        for sequence in 1...count {
            let amount = sequence == 1 ? deposit : rest[sequence - 2]
            let due = sequence == 1 ? sentDay.adding(days: 3)
                : sentDay.adding(days: 3 + span * (sequence - 1) / (count - 1))
            let label = sequence == 1 ? "Deposit" : (sequence == count ? "Balance" : "Instalment \(sequence - 1)")
            let rule = sequence == 1 ? "on_acceptance" : "days_before_event:\(max(0, due.days(until: b.eventDate)))"
            var m = HistoryDataset.Milestone(
                id: Int64(data.milestones.count + 1), publicID: rng.publicID(), proposalID: proposalID, bookingID: b.id,
                sequence: sequence, label: label, amount: amount, dueOn: due, dueRule: rule, status: .pending, paid: .zero,
                refunded: .zero, note: nil, flag: nil, flaggedAt: nil, paidAt: nil, createdAt: sentAt)
            settle(&m, booking: b, acceptedAt: acceptedAt, stoppedAt: stoppedAt, final: final)
            data.milestones.append(m)
        }
    }

    /// Decides what happened to one milestone and records its captured payments.
    mutating func settle(_ m: inout HistoryDataset.Milestone, booking b: HistoryDataset.Booking, acceptedAt: Date?,
                         stoppedAt: Date?, final: Bool) {
        let isDeposit = m.sequence == 1
        if let acceptedAt, isDeposit {
            pay(&m, at: acceptedAt)
            if b.state == .cancelled && rng.chance(0.4) { refund(&m, at: stoppedAt ?? acceptedAt) }
            return
        }
        if b.state == .completed {
            pay(&m, at: HistoryTime.at(m.dueOn.adding(days: rng.int(-6...9)), minutes: rng.int(9 * 60...21 * 60)))
            return
        }
        if final {
            // Cancelled bookings and leads that went cold: what was not paid was called off.
            m.status = .cancelled
            m.note = b.state == .cancelled ? "booking cancelled" : "lead went cold"
            return
        }
        let daysToDue = today.days(until: m.dueOn)
        if acceptedAt == nil {
            m.status = daysToDue < -7 ? .expired : (isDeposit ? .linkIssued : .pending)
            return
        }
        if daysToDue < 0 && rng.chance(0.8) || daysToDue >= 0 && rng.chance(0.08) {
            pay(&m, at: HistoryTime.at(min(today, m.dueOn.adding(days: rng.int(-5...3))), minutes: rng.int(9 * 60...21 * 60)))
            return
        }
        if daysToDue < 0 {
            m.status = rng.weighted([(PaymentMilestoneStatus.linkIssued, 0.55), (.expired, 0.25), (.partiallyPaid, 0.2)])
            if m.status == .partiallyPaid {
                let part = m.amount.percent(basisPoints: Int64(rng.int(2...6)) * 1_000)
                capture(&m, part, at: HistoryTime.at(m.dueOn, minutes: rng.int(9 * 60...21 * 60)))
            }
        } else {
            m.status = daysToDue <= 15 ? .linkIssued : .pending
        }
    }

    /// Paid in full at about `at` (never after now), in one or two captured parts.
    mutating func pay(_ m: inout HistoryDataset.Milestone, at: Date) {
        let when = min(at, now.addingTimeInterval(-3_600))
        if rng.chance(0.2) {
            let first = m.amount.percent(basisPoints: 5_000)
            capture(&m, first, at: when.addingTimeInterval(-Double(rng.int(1...5)) * 86_400))
            capture(&m, m.amount - first, at: when)
        } else {
            capture(&m, m.amount, at: when)
        }
        m.status = .paid
        m.paidAt = when
        // Recent payments are sometimes flagged by the webhook and not yet looked at.
        if now.timeIntervalSince(when) < 45 * 86_400 && rng.chance(0.06) {
            m.flag = rng.pick([
                "Paid \(m.amount.inr) in USD, expected INR: currency mismatch",
                "Received \((m.amount + Money(rupees: 5_000)).inr) for \(m.amount.inr): over-payment of ₹5,000",
                "Amount mismatch: the link was for \(m.amount.inr), Razorpay reports \((m.amount - Money(rupees: 1_000)).inr)",
            ])
            m.flaggedAt = when.addingTimeInterval(60)
        }
    }

    mutating func capture(_ m: inout HistoryDataset.Milestone, _ amount: Money, at: Date) {
        data.payments.append(HistoryDataset.Payment(
            razorpayID: "pay_H\(data.payments.count + 1)", milestoneID: m.id, amount: amount, status: "captured",
            method: rng.weighted([("upi", 0.55), ("card", 0.15), ("netbanking", 0.25), ("wallet", 0.05)]),
            errorCode: nil, errorDescription: nil, capturedAt: at, createdAt: at.addingTimeInterval(-Double(rng.int(20...600)))))
        m.paid += amount
    }

    mutating func refund(_ m: inout HistoryDataset.Milestone, at: Date) {
        for i in data.payments.indices where data.payments[i].milestoneID == m.id && data.payments[i].status == "captured" {
            data.payments[i].status = "refunded"
            data.refunds.append(HistoryDataset.Refund(id: Int64(data.refunds.count + 1), razorpayID: "rfnd_H\(data.refunds.count + 1)",
                                                      paymentRazorpayID: data.payments[i].razorpayID,
                                                      amount: data.payments[i].amount, createdAt: at))
        }
        m.refunded = m.paid
        m.status = .refunded
    }

    /// Failed card and UPI attempts before (or instead of) a payment, up to the shape's number of payments.
    mutating func addFailedPaymentAttempts() {
        let tried = data.milestones.filter { $0.paid.paise > 0 || $0.status == .linkIssued || $0.status == .expired }
        guard !tried.isEmpty else { return }
        let failures: [(String, String)] = [
            ("BAD_REQUEST_ERROR", "Payment failed because the card was declined by the bank"),
            ("BAD_REQUEST_ERROR", "UPI request expired before it was approved"),
            ("GATEWAY_ERROR", "Payment processing failed due to an error at the bank's end"),
            ("BAD_REQUEST_ERROR", "Insufficient balance in the account"),
        ]
        for _ in 0..<max(0, shape.payments - data.payments.count) {
            let m = rng.pick(tried)
            let base = m.paidAt ?? HistoryTime.at(min(today, m.dueOn), minutes: 12 * 60)
            let at = min(now.addingTimeInterval(-7_200), base.addingTimeInterval(-Double(rng.int(600...5 * 86_400))))
            let (code, text) = rng.pick(failures)
            data.payments.append(HistoryDataset.Payment(
                razorpayID: "pay_H\(data.payments.count + 1)", milestoneID: m.id, amount: m.amount - m.paid > .zero ? m.amount - m.paid : m.amount,
                status: "failed", method: rng.pick(["upi", "card", "netbanking"]), errorCode: code, errorDescription: text,
                capturedAt: nil, createdAt: at))
        }
    }

    /// Payment ids in time order, then one receipt per captured (or since refunded) payment,
    /// numbered RE/<year>/<n> without gaps in each financial year, in the order the money came in.
    mutating func numberReceipts() {
        let order = data.payments.indices.sorted { (data.payments[$0].createdAt, $0) < (data.payments[$1].createdAt, $1) }
        data.payments = order.map { data.payments[$0] }
        for i in data.payments.indices { data.payments[i].id = Int64(i + 1) }
        let milestones = Dictionary(uniqueKeysWithValues: data.milestones.map { ($0.id, $0) })
        let counted = data.payments.filter { $0.capturedAt != nil }
            .sorted { ($0.capturedAt!, $0.id) < ($1.capturedAt!, $1.id) }
        var next: [FinancialYear: Int] = [:]
        for p in counted {
            let day = HistoryTime.day(p.capturedAt!)
            let year = FinancialYear.containing(day)
            let sequence = (next[year] ?? 0) + 1
            next[year] = sequence
            let split = GST.split(gross: p.amount)
            data.invoices.append(HistoryDataset.Invoice(
                id: Int64(data.invoices.count + 1), token: rng.publicID(),
                number: InvoiceNumber.format(prefix: "RE", year: year, sequence: sequence), financialYear: year.label,
                sequence: sequence, bookingID: milestones[p.milestoneID]!.bookingID, milestoneID: p.milestoneID, paymentID: p.id,
                amount: p.amount, net: split.net, tax: split.tax, issuedOn: day, issuedAt: p.capturedAt!))
            data.timeline.append(HistoryDataset.TimelineEntry(bookingID: milestones[p.milestoneID]!.bookingID, kind: "payment",
                                                              title: "Payment received: \(p.amount.inr)", createdAt: p.capturedAt!))
        }
    }
}
