import Foundation
import RochCore
import RochHTTP
import RochStore

/// The proposal editor: `GET/POST /admin/bookings/<id>/proposal`. Lines, discounts, the payment plan
/// and a preview exactly as the client will see it; "Save draft" or "Save and send".
extension AdminApp {
    func proposalEditor(_ publicID: String, _ request: Request, session: StaffSession) async throws -> Response {
        guard let booking = try await context.database.withConnection({ c in try BookingRepository.find(c, publicID: publicID) }) else {
            return message(status: 404, heading: "No such booking", text: "No booking has the id \(publicID).", session: session)
        }
        if let refused = try await refusal(booking, request, session: session) { return refused }
        guard request.method == "POST" else {
            let query = try? request.query()
            let notice = query?["saved"] != nil ? "The draft is saved. Check the preview, then send it."
                : query?["revised"] != nil ? "The revised proposal is sent: the client sees it in the portal now." : nil
            return try await proposalPage(booking, session: session, notice: notice)
        }
        let form = try request.form()
        let today = IST.day(of: clock())
        let current = try await context.database.withConnection { c in try ProposalDrafts.current(c, bookingID: booking.id) }
        guard let seen = form["state"].flatMap(BookingState.init(rawValue:)) else {
            return try await proposalPage(booking, session: session, status: 422, alert: "Reload the page and try again.")
        }
        let draft: ProposalDraft
        switch ProposalForm.parse({ form[$0] }, eventDate: booking.eventDate, today: today, previous: current?.milestones ?? []) {
        case .success(let d): draft = d
        case .failure(let errors):
            return try await proposalPage(booking, session: session, status: 422, alert: "The proposal needs another look: see the messages below.",
                                          typed: form, errors: errors.fields)
        }
        if form["action"] == "revise" {
            do {
                try await context.database.withConnection { c in
                    try StaffProposalRevision(configuration: context.configuration)
                        .revise(c, bookingID: booking.id, draft: draft, seen: seen, by: StaffActor(staffID: session.account.id, client: StaffClient(request)), now: clock())
                }
            } catch let refused as StaffProposalRevision.Refused {
                let whole = refused.fields["form"]
                return try await proposalPage(booking, session: session, status: refused.status,
                                              alert: whole ?? "The revision needs another look: see the messages below.", typed: form, errors: refused.fields)
            }
            return Response.redirect(to: "/admin/bookings/\(publicID)/proposal?revised=1")
        }
        let send = form["action"] == "send"
        let service = StaffProposals(configuration: context.configuration)
        let actor = StaffActor(staffID: session.account.id, client: StaffClient(request))
        let now = clock()
        do {
            try await context.database.withConnection { c in
                try service.save(c, bookingID: booking.id, draft: draft, send: send, seen: seen, by: actor, now: now)
            }
        } catch let locked as StaffProposals.Locked {
            return try await proposalPage(booking, session: session, status: 409, alert: locked.message, typed: form)
        } catch let conflict as TransitionConflict {
            return try await proposalPage(booking, session: session, status: 409, alert: conflict.message, typed: form)
        }
        return Response.redirect(to: send ? "/admin/bookings/\(publicID)?done=send_proposal" : "/admin/bookings/\(publicID)/proposal?saved=1")
    }

    func proposalPage(_ booking: BookingRecord, session: StaffSession, status: Int = 200, notice: String? = nil, alert: String? = nil,
                      typed: FormData? = nil, errors: [String: String] = [:]) async throws -> Response {
        let fresh = try await context.database.withConnection { c in
            (try BookingRepository.find(c, id: booking.id) ?? booking, try ProposalDrafts.current(c, bookingID: booking.id))
        }
        let (b, current) = fresh
        let stored = current?.draft
        func value(_ name: String, _ fallback: String) -> String { typed.map { $0[name] ?? "" } ?? fallback }
        func cell(_ name: String, _ fallback: String) -> [String: Any] {
            ["name": name, "id": name.replacingOccurrences(of: ".", with: "-"), "value": value(name, fallback), "error": errors[name] as Any]
        }
        let lineCount = min(ProposalDraft.maximumLines, max(stored?.lines.count ?? 0, typedRows(typed, "line")) + 2)
        let lines: [[String: Any]] = (1...lineCount).map { n in
            let l = stored.flatMap { n <= $0.lines.count ? $0.lines[n - 1] : nil }
            let service = value("line.\(n).service", l?.service ?? "")
            return ["n": n,
                    "services": ([("", "Choose…")] + EventService.allCases.map { ($0.rawValue, $0.label) } + [("other", "Something else")]).map {
                        ["value": $0.0, "label": $0.1, "selected": $0.0 == service] as [String: Any] },
                    "serviceError": errors["line.\(n).service"] as Any,
                    "description": cell("line.\(n).description", l?.description ?? ""),
                    "quantity": cell("line.\(n).quantity", String(l?.quantity ?? 1)),
                    "unitPrice": cell("line.\(n).unit_price", l.map { $0.unitPrice.editableRupees } ?? ""),
                    "discount": cell("line.\(n).discount", l.map { $0.discount.paise > 0 ? $0.discount.editableRupees : "" } ?? ""),
                    "gstRate": cell("line.\(n).gst_rate", l.map { Self.percent($0.rateBasisPoints) } ?? "18")]
        }
        let milestoneCount = min(ProposalDraft.maximumMilestones, max(stored?.milestones.count ?? 0, typedRows(typed, "milestone")) + 3)
        let milestones: [[String: Any]] = (1...milestoneCount).map { n in
            let m = stored.flatMap { n <= $0.milestones.count ? $0.milestones[n - 1] : nil }
            return ["n": n, "locked": m?.isLocked ?? false,
                    "label": cell("milestone.\(n).label", m?.label ?? ""),
                    "amount": cell("milestone.\(n).amount", m.map { $0.amount.editableRupees } ?? ""),
                    "dueOn": cell("milestone.\(n).due_on", m?.dueOn.description ?? "")]
        }
        let event = (EventType(rawValue: b.eventType)?.label ?? b.eventType) + " on " + NotificationFormat.date(b.eventDate)
        let canSend = b.state == .discussion && b.coordinatorID != nil
        let revising = ProposalRevision.refusal(state: b.state) == nil && current != nil
        return templates.response(AdminPage("proposal", title: "Proposal: \(b.publicID)", status: status, current: "bookings", values: [
            "booking": ["publicID": b.publicID, "event": event, "state": b.state.rawValue, "stateLabel": b.state.label, "eventDate": b.eventDate.description],
            "notice": notice as Any, "alert": alert as Any, "summary": cell("summary", stored?.summary ?? ""),
            "planError": errors["plan"] as Any, "linesError": errors["lines"] as Any,
            "lines": lines, "milestones": milestones,
            "preview": stored.map { ProposalView.html($0) } as Any, "previewStatus": current?.status as Any,
            "editable": b.state == .enquiry || b.state == .discussion || revising, "canSend": canSend, "revising": revising,
        ]), session: session)
    }

    /// How many numbered rows a refused form carried (so none of the typed rows disappear).
    func typedRows(_ form: FormData?, _ prefix: String) -> Int {
        guard let form else { return 0 }
        return form.pairs.compactMap { pair -> Int? in
            let parts = pair.name.split(separator: ".")
            return parts.count == 3 && parts[0] == prefix && !pair.value.isEmpty ? Int(parts[1]) : nil
        }.max() ?? 0
    }


    static func percent(_ bp: Int64) -> String { bp % 100 == 0 ? String(bp / 100) : "\(bp / 100).\(bp % 100 < 10 ? "0" : "")\(bp % 100)" }
}
