import Foundation
import RochCore
import RochStore

/// Builds the portal's JSON for one signed-in client from the store. Every read is scoped by the
/// client id: a booking that is not theirs is simply not found.
struct PortalViews: Sendable {
    let configuration: Configuration

    func list(_ c: Connection, clientID: Int64) throws -> PortalBookingList {
        let client = try ClientRepository.find(c, id: clientID)
        let bookings = try PortalRepository.bookings(c, clientID: clientID)
        let summaries = try bookings.map { b in
            PortalBookingSummary(id: b.publicID, event: PortalEventInfo(b), status: try status(c, b))
        }
        return PortalBookingList(clientName: client?.name ?? "", bookings: summaries,
                                 lastEventID: try PortalRepository.lastEventID(c, bookingIDs: bookings.map(\.id)))
    }

    func detail(_ c: Connection, clientID: Int64, publicID: String, today: CalendarDay) throws -> PortalBookingDetail? {
        guard let b = try PortalRepository.booking(c, clientID: clientID, publicID: publicID) else { return nil }
        let timeline = try PortalRepository.timeline(c, bookingID: b.id).map { PortalTimelineEntry($0, bookingPublicID: b.publicID) }
        let vendors = try (PortalRepository.vendorMilestones(c, bookingID: b.id) ?? []).map { v in
            PortalVendorView(id: v.id, role: v.role, status: v.status, statusLabel: Self.vendorStatusLabel(v.status),
                             milestoneText: v.milestoneText, milestoneDate: v.milestoneDate, updatedAt: v.updatedAt)
        }
        let proposals = try PortalRepository.proposals(c, bookingID: b.id)
        let payments = try PortalPayments.read(c, booking: b, proposals: proposals, site: configuration.siteURL)
        var items = payments.upcoming
        for v in vendors {
            if let d = v.milestoneDate.flatMap(CalendarDay.init), v.status != "delivered" {
                items.append(.init(kind: "vendor", title: v.milestoneText ?? "\(v.role): \(Self.vendorStatusLabel(v.status))", date: d))
            }
        }
        let eventTitle = "Your \(EventType(rawValue: b.eventType)?.label.lowercased() ?? b.eventType)"
        let upcoming = PortalProgress.upcoming(state: b.state, eventDate: b.eventDate, eventTitle: eventTitle, items: items, today: today)
            .map { PortalUpcomingView(kind: $0.kind, title: $0.title, date: $0.date.description, dateLabel: NotificationFormat.date($0.date)) }
        var documents = proposals.map { p in
            PortalDocumentView(kind: "proposal", title: (p.revised ? "Revised proposal, " : "Proposal, ") + Money(paise: p.totalPaise).inr,
                               url: "/api/portal/bookings/\(b.publicID)/proposals/\(p.publicID)")
        }
        // Issued PDFs (tax invoices, receipts, credit notes, proposals) first-hand; the HTML receipt
        // only for payments whose receipt PDF is not issued yet.
        let issued = try DocumentRepository.forBooking(c, bookingID: b.id).filter { $0.clientID == b.clientID }
        documents += issued.map { PortalDocumentView(kind: $0.kind.rawValue, title: DocumentDownload.title($0), url: PortalDocuments.path(publicID: $0.publicID)) }
        let printedReceipts = Set(issued.filter { $0.kind == .receipt }.map(\.number))
        documents += payments.view.receipts.filter { !printedReceipts.contains($0.number) }.compactMap { r in
            r.url.map { PortalDocumentView(kind: "receipt", title: "Receipt \(r.number)", url: $0) }
        }
        return PortalBookingDetail(
            id: b.publicID, event: PortalEventInfo(b), status: try status(c, b), timeline: timeline, upcoming: upcoming,
            payments: payments.view, vendors: vendors, contact: try contact(c, b), documents: documents,
            lastEventID: try PortalRepository.lastEventID(c, bookingIDs: [b.id]))
    }

    func status(_ c: Connection, _ b: BookingRecord) throws -> PortalStatusView {
        let from = b.state == .cancelled ? try PortalRepository.stateBeforeCancellation(c, bookingID: b.id).flatMap(BookingState.init) : nil
        return PortalStatusView(state: b.state, cancelledFrom: from)
    }

    /// The coordinator when one is assigned, else the team's number.
    func contact(_ c: Connection, _ b: BookingRecord) throws -> PortalContactView {
        if let id = b.coordinatorID, let staff = try TeamRepository.find(c, id: id) {
            return PortalContactView(name: staff.name, phone: staff.phone, email: staff.email,
                                     whatsAppURL: staff.phone.map(Self.whatsAppURL), isCoordinator: true)
        }
        let phone = configuration.staffWhatsApp.first
        return PortalContactView(name: "Roch Events team", phone: phone, email: nil, whatsAppURL: phone.map(Self.whatsAppURL),
                                 isCoordinator: false)
    }

    static func whatsAppURL(_ e164: String) -> String { "https://wa.me/\(e164.filter(\.isNumber))" }

    static func vendorStatusLabel(_ status: String) -> String {
        switch status {
        case "pending": return "Being arranged"
        case "confirmed": return "Confirmed"
        case "in_progress": return "In progress"
        case "delivered": return "Done"
        case "cancelled": return "Cancelled"
        default: return status.replacingOccurrences(of: "_", with: " ").capitalized
        }
    }
}

/// The payment schedule, amounts and receipts of a booking, as the payments feature keeps them.
enum PortalPayments {
    struct Result {
        var view: PortalPaymentsView
        var upcoming: [PortalProgress.Upcoming]
    }

    /// Totals come from the current schedule's milestones; before there is one, the total is the
    /// accepted (else the latest sent) proposal's and nothing is paid. A draft's schedule is the
    /// team's work in progress: nothing shows until a proposal has been sent.
    static func read(_ c: Connection, booking: BookingRecord, proposals: [PortalProposal], site: String) throws -> Result {
        let milestones = proposals.isEmpty ? [] : try PaymentService.milestones(c, bookingID: booking.id, site: site)
            .filter { $0.status != .cancelled }
        let proposalTotal = (proposals.last { $0.status == "accepted" } ?? proposals.last)?.totalPaise ?? 0
        let total = milestones.isEmpty ? proposalTotal : milestones.reduce(Int64(0)) { $0 + $1.amount.paise }
        let paid = milestones.reduce(Int64(0)) { $0 + $1.amountPaid.paise - $1.amountRefunded.paise }
        let due = max(0, total - paid)
        let schedule = milestones.map { m in
            PortalPaymentMilestoneView(id: m.publicID, label: m.label, amountPaise: m.amount.paise, amount: m.amount.inr,
                                       amountPaidPaise: m.amountPaid.paise, dueDate: m.dueOn.description,
                                       status: m.status.rawValue, statusLabel: m.statusLabel, payURL: m.payURL)
        }
        let receipts = milestones.flatMap { m in
            m.receipts.map { PortalReceiptView(number: $0.number, amountPaise: $0.amount.paise, amount: $0.amount.inr,
                                               issuedOn: $0.issuedOn, url: $0.url) }
        }
        let open: Set<PaymentMilestoneStatus> = [.pending, .linkIssued, .partiallyPaid, .expired]
        let upcoming = milestones.filter { open.contains($0.status) }.map { m in
            PortalProgress.Upcoming(kind: "payment", title: "\(m.label) of \(m.amount.inr) due", date: m.dueOn)
        }
        return Result(view: PortalPaymentsView(totalPaise: total, paidPaise: paid, duePaise: due, total: Money(paise: total).inr,
                                               paid: Money(paise: paid).inr, due: Money(paise: due).inr, schedule: schedule,
                                               receipts: receipts),
                      upcoming: upcoming)
    }
}
