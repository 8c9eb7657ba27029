import Foundation
import RochCore
import RochHTTP
import RochStore

/// What a form on the payments desk asks for (`POST /admin/bookings/<id>/payments/<action>`).
enum PaymentDeskAction: String, Equatable {
    case offline, reissue = "reissue-link", cancelLink = "cancel-link", refund
}

/// The payments desk of one booking (`/admin/bookings/<id>/payments`): every milestone with its
/// link and money, and the team's forms. A form that fails shows the page again with the message
/// on its field (422); one that works redirects back with a notice.
extension AdminApp {
    /// A form that was refused, to show again with what was typed.
    struct RefusedForm {
        var action: PaymentDeskAction
        var target: String
        var errors: ValidationErrors
        var values: FormData
    }

    func paymentsDesk(_ publicID: String, request: Request, session: StaffSession, now: Date, refused: RefusedForm? = nil) async throws -> Response {
        guard let desk = try await context.database.withConnection({ c in try PaymentDeskQueries.load(c, publicID: publicID) }) else {
            return message(status: 404, heading: "No such booking", text: "No booking has the id \(publicID). Search for it on the bookings page.", session: session)
        }
        let notice = (try? request.query())?["done"].flatMap(PaymentDeskActions.Notice.init(rawValue:))
        let page = PaymentDeskPage(desk: desk, today: IST.day(of: now), site: context.configuration.siteURL, refused: refused,
                                   canMove: StaffPermissions.decide(role: session.role, staffID: session.account.id, action: .moneyActions).isAllowed)
        var values = page.values
        values["notice"] = notice?.text as Any
        return templates.response(AdminPage("payments", title: "Payments: \(desk.clientName)", status: refused == nil ? 200 : 422,
                                            current: "bookings", values: values), session: session)
    }

    func paymentAction(_ action: PaymentDeskAction, _ publicID: String, request: Request, session: StaffSession, now: Date) async throws -> Response {
        let form = try request.form()
        let target = form["milestone"] ?? form["payment"] ?? ""
        let actions = PaymentDeskActions(configuration: context.configuration, staffID: session.account.id, client: StaffClient(request))
        let outcome: PaymentDeskActions.Outcome?
        switch action {
        case .refund:
            outcome = try await PaymentRefunds(context: context, actions: actions).start(bookingPublicID: publicID, fields: .init(
                payment: form["payment"] ?? "", key: form["key"] ?? "", amount: form["amount"], reason: form["reason"]))
        case .offline, .reissue, .cancelLink:
            let today = IST.day(of: now)
            outcome = try await context.database.transaction { c -> PaymentDeskActions.Outcome? in
                guard let booking = try BookingRepository.find(c, publicID: publicID) else { return nil }
                switch action {
                case .offline:
                    return try actions.recordOffline(c, bookingID: booking.id, fields: .init(
                        milestone: form["milestone"] ?? "", key: form["key"] ?? "", method: form["method"], amount: form["amount"],
                        reference: form["reference"], receivedOn: form["received_on"]), today: today, now: now)
                case .reissue: return try actions.reissueLink(c, bookingID: booking.id, state: booking.state, milestonePublicID: target)
                case .cancelLink, .refund: return try actions.cancelLink(c, bookingID: booking.id, milestonePublicID: target)
                }
            }
        }
        switch outcome {
        case nil:
            return message(status: 404, heading: "No such booking", text: "No booking has the id \(publicID).", session: session)
        case .done(let notice)?:
            return Response.redirect(to: "/admin/bookings/\(publicID)/payments?done=\(notice.rawValue)#\(Self.anchor(target))")
        case .refused(let errors)?:
            return try await paymentsDesk(publicID, request: request, session: session, now: now,
                                          refused: RefusedForm(action: action, target: target, errors: errors, values: form))
        }
    }

    /// Where on the page a milestone's (or payment's) card is.
    static func anchor(_ id: String) -> String { "m-" + String(id.prefix(40).filter { $0.isLetter || $0.isNumber }) }
}

/// The desk's values for the template, one milestone card each.
struct PaymentDeskPage {
    let desk: PaymentDesk
    let today: CalendarDay
    let site: String
    let refused: AdminApp.RefusedForm?
    let canMove: Bool

    var values: [String: Any] {
        [
            "booking": ["publicID": desk.publicID, "clientName": desk.clientName, "stateLabel": desk.state.label,
                        "eventDate": NotificationFormat.date(desk.eventDate)] as [String: Any],
            "milestones": desk.milestones.map(card),
            "hasMilestones": !desk.milestones.isEmpty,
            "canMove": canMove,
            "methods": OfflinePaymentMethod.allCases.map { ["value": $0.rawValue, "label": $0.label] },
            // A form about no milestone or payment shown here (a stale page) says so at the top.
            "formError": refused.flatMap { r in
                desk.milestones.contains { $0.record.publicID == r.target || $0.payments.contains { $0.providerID == r.target } } ? nil : r.errors.fields["form"]
            } as Any,
        ]
    }

    func card(_ entry: PaymentDesk.Milestone) -> [String: Any] {
        let m = entry.record
        let link = entry.currentLink
        let liveLink = link.map { [.creating, .created].contains($0.status) } ?? false
        let mine = refused?.target == m.publicID ? refused : nil
        var card: [String: Any] = [
            "id": m.publicID, "anchor": AdminApp.anchor(m.publicID), "label": m.label, "amount": m.amount.inr,
            "due": NotificationFormat.date(m.dueOn), "status": m.status.label, "paid": m.amountPaid.inr, "outstanding": m.outstanding.inr,
            "refunded": m.amountRefunded.paise > 0 ? m.amountRefunded.inr : nil as String? as Any,
            "note": m.note as Any, "flag": m.flag as Any, "isDeposit": m.isDeposit,
            "link": link.map { l in ["url": l.shortURL as Any, "status": Self.linkLabel(l.status), "attempt": l.attempt] as [String: Any] } as Any,
            "payments": entry.payments.map(payment),
            "hasPayments": !entry.payments.isEmpty,
            "canCancelLink": canMove && liveLink,
            "canReissue": canMove && desk.state != .cancelled && [.pending, .expired, .cancelled].contains(m.status) && m.outstanding.paise > 0,
            "canRemind": [.linkIssued, .partiallyPaid].contains(m.status) && desk.state != .cancelled,
            "cardError": mine.flatMap { $0.errors.fields["form"] } as Any,
        ]
        if canMove && m.outstanding.paise > 0 && desk.state != .cancelled {
            let typed = mine?.action == .offline ? mine : nil
            let errors = typed?.errors.fields ?? [:]
            func field(_ name: OfflinePaymentForm.Field, _ fallback: String) -> [String: Any] {
                ["name": name.rawValue, "id": "\(name.rawValue)-\(m.publicID)", "value": typed?.values[name.rawValue] ?? fallback,
                 "error": errors[name.rawValue] as Any]
            }
            let chosen = typed?.values["method"] ?? OfflinePaymentMethod.bankTransfer.rawValue
            card["offline"] = [
                // A fresh key unless the refused form is shown again (then its key, so a later success is still one payment).
                "key": typed?.values["key"].flatMap { PaymentDeskActions.isFormKey($0) ? $0 : nil } ?? PublicID.make(),
                "amount": field(.amount, m.outstanding.editableRupees), "reference": field(.reference, ""),
                "receivedOn": field(.receivedOn, today.description), "today": today.description,
                "methodError": errors["method"] as Any, "methodID": "method-\(m.publicID)",
                "methods": OfflinePaymentMethod.allCases.map { ["value": $0.rawValue, "label": $0.label, "selected": $0.rawValue == chosen] as [String: Any] },
            ] as [String: Any]
        }
        return card
    }

    func payment(_ p: PaymentDesk.Payment) -> [String: Any] {
        let mine = refused?.target == p.providerID && refused?.action == .refund ? refused : nil
        // The same word (upi) names a Razorpay method and an offline one: the source decides.
        let method = p.isOffline ? (p.method.flatMap { OfflinePaymentMethod(rawValue: $0)?.label } ?? "Offline")
            : p.method.map { "Razorpay (\($0))" } ?? "Razorpay"
        return [
            "id": p.providerID, "anchor": AdminApp.anchor(p.providerID), "amount": p.amount.inr, "method": method,
            "when": p.receivedOn.map { "received \(NotificationFormat.date($0))" } ?? NotificationFormat.dateTime(p.at),
            "reference": p.reference as Any, "receipt": p.receiptNumber as Any,
            "receiptURL": p.receiptToken.map { PaymentSettlement.receiptURL(site: site, token: $0) } as Any,
            "refunds": p.refunds.map { r in
                ["amount": r.amount.inr, "status": r.status == "processed" ? "Refunded" : r.status == "failed" ? "Refund failed" : "Refund pending",
                 "reason": r.reason as Any, "at": NotificationFormat.dateTime(r.at)] as [String: Any]
            },
            "refund": canMove && !p.isOffline && p.refundable.paise > 0 ? [
                "refundable": p.refundable.inrWithPaise, "key": mine?.values["key"].flatMap { PaymentDeskActions.isFormKey($0) ? $0 : nil } ?? PublicID.make(),
                "amountID": "refund-amount-\(AdminApp.anchor(p.providerID))",
                "reasonID": "refund-reason-\(AdminApp.anchor(p.providerID))",
                "amount": mine?.values["amount"] ?? p.refundable.editableRupees, "reason": mine?.values["reason"] ?? "",
                "amountError": mine?.errors.fields["amount"] as Any, "reasonError": mine?.errors.fields["reason"] as Any,
                "refundError": mine?.errors.fields["form"] as Any,
            ] as [String: Any] : nil as [String: Any]? as Any,
        ]
    }


    static func linkLabel(_ status: PaymentLinkStatus) -> String {
        switch status {
        case .creating: "being created"
        case .created: "live"
        case .partiallyPaid: "partly paid"
        case .expired: "expired"
        case .cancelled: "cancelled"
        case .paid: "paid"
        }
    }
}
