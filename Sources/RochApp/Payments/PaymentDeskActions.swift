import Foundation
import RochCore
import RochStore

/// What the team does from a booking's payments desk, each in the caller's one transaction:
/// record money received outside Razorpay (settled exactly as a webhook's payment is), re-issue
/// a milestone's link, cancel its live link. Who asked is audited with their address.
struct PaymentDeskActions {
    let configuration: Configuration
    let staffID: Int64
    let client: StaffClient

    /// What the page says after a successful action (a fixed text: it travels in the redirect's query).
    enum Notice: String, CaseIterable {
        case recorded, alreadyRecorded = "already-recorded", reissued, cancelling, refundStarted = "refund-started"

        var text: String {
            switch self {
            case .recorded: "The payment is recorded and the milestone settled; the client gets the receipt."
            case .alreadyRecorded: "This payment was already recorded (the form was sent twice): nothing was added."
            case .reissued: "A new link is on its way; the client gets it on WhatsApp and email."
            case .cancelling: "The link is being cancelled at Razorpay."
            case .refundStarted: "The refund is started at Razorpay; it shows as pending until Razorpay confirms it."
            }
        }
    }

    enum Outcome: Equatable {
        case done(Notice)
        /// Nothing written: the form's fields (or `form` for the whole form) say why.
        case refused(ValidationErrors)
    }

    var actor: String { "staff:\(staffID)" }

    /// The milestone `milestonePublicID` of the booking, locked (nil when it is not this booking's).
    static func milestone(_ c: Connection, bookingID: Int64, publicID: String) throws -> PaymentMilestoneRecord? {
        guard let found = try PaymentMilestoneRepository.find(c, publicID: publicID), found.bookingID == bookingID else { return nil }
        return try PaymentMilestoneRepository.lock(c, id: found.id)
    }

    static func refused(_ field: String, _ message: String) -> Outcome { .refused(ValidationErrors(fields: [field: message])) }

    /// A one-time key from the form: letters and digits, 16 to 40 of them.
    static func isFormKey(_ key: String) -> Bool {
        (16...40).contains(key.utf8.count) && key.utf8.allSatisfy { (48...57).contains($0) || (65...90).contains($0) || (97...122).contains($0) }
    }

    /// Records an offline payment and settles the milestone: receipt, `payment_received`, and the
    /// booking confirmed when it completes the deposit. The same form key twice records it once.
    func recordOffline(_ c: Connection, bookingID: Int64, fields: FormFields, today: CalendarDay, now: Date) throws -> Outcome {
        guard let m = try Self.milestone(c, bookingID: bookingID, publicID: fields.milestone) else {
            return Self.refused("form", "That milestone is not part of this booking's payment plan any more. Reload the page.")
        }
        guard Self.isFormKey(fields.key) else { return Self.refused("form", "The form is incomplete. Reload the page and enter the payment again.") }
        if try PaymentLedgerRepository.payment(c, razorpayPaymentID: PaymentDeskQueries.offlineID(key: fields.key)) != nil {
            return .done(.alreadyRecorded)
        }
        let checked = OfflinePaymentForm.validate(method: fields.method, amount: fields.amount, reference: fields.reference,
                                                  receivedOn: fields.receivedOn, outstanding: m.outstanding, today: today)
        let entry: OfflinePayment
        switch checked {
        case .failure(let errors): return .refused(errors)
        case .success(let e): entry = e
        }
        guard let payment = try PaymentDeskQueries.recordOffline(c, key: fields.key, milestoneID: m.id, payment: entry,
                                                                 currency: m.currency, staffID: staffID) else {
            return .done(.alreadyRecorded)
        }
        try AuditLogQueries.record(c, actor: actor, action: "payment.offline_recorded", entity: "payment_milestone", entityID: m.publicID,
                                   details: ["payment": payment.razorpayPaymentID, "method": entry.method.rawValue,
                                             "amount_paise": String(entry.amount.paise), "reference": entry.reference ?? "",
                                             "received_on": entry.receivedOn.description],
                                   ip: client.ip, userAgent: client.userAgent)
        let settled = try PaymentSettlement(configuration: configuration).settle(c, milestoneID: m.id, now: now)
        // Paid in full by other means: the live link must not take the money a second time.
        if settled?.status == .paid, let link = try PaymentLedgerRepository.currentLink(c, milestoneID: m.id),
           [.creating, .created].contains(link.status) {
            try enqueueCancel(c, bookingID: bookingID, milestone: m, linkID: link.id)
        }
        return .done(.recorded)
    }

    /// Queues a new Payment Link for a milestone whose link expired or was cancelled (or never made).
    func reissueLink(_ c: Connection, bookingID: Int64, state: BookingState, milestonePublicID: String) throws -> Outcome {
        guard let m = try Self.milestone(c, bookingID: bookingID, publicID: milestonePublicID) else {
            return Self.refused("form", "That milestone is not part of this booking's payment plan any more. Reload the page.")
        }
        guard state != .cancelled else { return Self.refused("form", "The booking is cancelled: no new links.") }
        guard [.pending, .expired, .cancelled].contains(m.status), m.outstanding.paise > 0 else {
            return Self.refused("form", "The \(m.label) is \(m.status.label.lowercased()): only a milestone without a live link can get a new one.")
        }
        let attempt = try PaymentLedgerRepository.linkCount(c, milestoneID: m.id)
        let queued = try OutboxRepository.enqueueJob(c, kind: PaymentLinkJob.kind, idempotencyKey: "\(PaymentLinkJob.kind):\(bookingID):reissue:\(m.publicID):\(attempt)",
                                                     payload: try JSONB(encoding: ["booking_id": String(bookingID), "milestones": m.publicID]))
        if queued {
            try AuditLogQueries.record(c, actor: actor, action: "payment_link.reissue_requested", entity: "payment_milestone", entityID: m.publicID,
                                       details: ["after_links": String(attempt)], ip: client.ip, userAgent: client.userAgent)
        }
        return .done(.reissued)
    }

    /// Asks Razorpay (through the worker) to cancel the milestone's live link.
    func cancelLink(_ c: Connection, bookingID: Int64, milestonePublicID: String) throws -> Outcome {
        guard let m = try Self.milestone(c, bookingID: bookingID, publicID: milestonePublicID) else {
            return Self.refused("form", "That milestone is not part of this booking's payment plan any more. Reload the page.")
        }
        guard let link = try PaymentLedgerRepository.currentLink(c, milestoneID: m.id), [.creating, .created].contains(link.status) else {
            return Self.refused("form", "The \(m.label) has no live link to cancel (Razorpay cannot cancel a partly paid link).")
        }
        try enqueueCancel(c, bookingID: bookingID, milestone: m, linkID: link.id)
        try AuditLogQueries.record(c, actor: actor, action: "payment_link.cancel_requested", entity: "payment_milestone", entityID: m.publicID,
                                   details: ["link": link.razorpayLinkID ?? link.referenceID], ip: client.ip, userAgent: client.userAgent)
        return .done(.cancelling)
    }

    private func enqueueCancel(_ c: Connection, bookingID: Int64, milestone m: PaymentMilestoneRecord, linkID: Int64) throws {
        try OutboxRepository.enqueueJob(c, kind: CancelPaymentLinksJob.kind, idempotencyKey: "\(CancelPaymentLinksJob.kind):\(bookingID):link:\(linkID)",
                                        payload: try JSONB(encoding: ["booking_id": String(bookingID), "milestone_id": String(m.id)]))
    }

    /// The offline payment form as sent.
    struct FormFields {
        var milestone: String
        var key: String
        var method: String?
        var amount: String?
        var reference: String?
        var receivedOn: String?
    }
}
