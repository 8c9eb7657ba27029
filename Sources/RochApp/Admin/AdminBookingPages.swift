import Foundation
import RochCore
import RochHTTP
import RochStore

/// The bookings list, a booking's read-only page and the audit log.
extension AdminApp {
    func bookings(_ request: Request, session: StaffSession) async throws -> Response {
        let query = try request.query()
        var search = BookingSearch(text: String((query["q"] ?? "").prefix(200)))
        var problems: [String] = []
        if let state = query["state"], !state.isEmpty {
            if let s = BookingState(rawValue: state) { search.states = [s] } else { problems.append("Pick a state from the list.") }
        }
        func day(_ name: String, _ label: String) -> CalendarDay? {
            guard let text = query[name], !text.isEmpty else { return nil }
            guard let d = CalendarDay(text) else { problems.append("\(label) must be a date like 2026-12-31."); return nil }
            return d
        }
        search.eventFrom = day("from", "Event from")
        search.eventTo = day("to", "Event to")
        if let c = query["coordinator"], !c.isEmpty {
            if let id = Int64(c) { search.coordinatorID = id } else { problems.append("Pick a coordinator from the list.") }
        }
        if let p = query["page"], let n = Int(p) { search.page = n }
        let finalSearch = search
        let (page, coordinators) = try await context.database.withConnection { c in
            (try StaffBookingQueries.search(c, finalSearch), try StaffBookingQueries.coordinators(c))
        }
        let rows: [[String: Any]] = page.rows.map { r in
            ["publicID": r.publicID, "clientName": r.clientName, "clientPhone": r.clientPhone, "stateLabel": r.state.label,
             "eventType": EventType(rawValue: r.eventType)?.label ?? r.eventType, "eventDate": NotificationFormat.date(r.eventDate),
             "city": r.city, "venue": r.venue as Any, "guests": r.guests, "coordinatorName": r.coordinatorName as Any]
        }
        func link(_ p: Int) -> String {
            var pairs = query.pairs.filter { $0.name != "page" }
            pairs.append(("page", String(p)))
            return "/admin/bookings?" + pairs.map { "\(FormData.encodeComponent($0.name))=\(FormData.encodeComponent($0.value))" }.joined(separator: "&")
        }
        let summary = page.total == 0 ? "No bookings match." : "\(page.total) booking\(page.total == 1 ? "" : "s") match."
        return templates.response(AdminPage("bookings", title: "Bookings", current: "bookings", values: [
            "search": ["q": search.text, "from": query["from"] ?? "", "to": query["to"] ?? ""],
            "states": BookingState.allCases.map { ["value": $0.rawValue, "label": $0.label, "selected": search.states == [$0]] as [String: Any] },
            "coordinators": coordinators.map { ["id": String($0.id), "name": $0.name, "selected": search.coordinatorID == $0.id] as [String: Any] },
            "rows": rows, "hasRows": !rows.isEmpty, "summary": summary,
            "canEnter": StaffPermissions.decide(role: session.role, staffID: session.account.id, action: .enterBooking).isAllowed,
            "problem": problems.isEmpty ? nil as String? as Any : problems.joined(separator: " "),
            "paging": page.pageCount > 1 ? ["page": page.page, "pageCount": page.pageCount,
                                            "previous": page.page > 1 ? link(page.page - 1) : nil as String? as Any,
                                            "next": page.page < page.pageCount ? link(page.page + 1) : nil as String? as Any] as [String: Any] : nil as [String: Any]? as Any,
        ]), session: session)
    }

    func booking(_ publicID: String, session: StaffSession, flash: BookingPageFlash = BookingPageFlash()) async throws -> Response {
        guard let (d, hasProposal, coordinators, source) = try await context.database.withConnection({ c -> (BookingDossier, Bool, [(id: Int64, name: String)], BookingSource?)? in
            guard let d = try BookingDossierQueries.load(c, publicID: publicID) else { return nil }
            return (d, try BookingRepository.hasProposal(c, bookingID: d.booking.id), try StaffBookingQueries.coordinators(c),
                    try BookingRepository.source(c, bookingID: d.booking.id))
        }) else {
            return message(status: 404, heading: "No such booking", text: "No booking has the id \(publicID). Search for it on the bookings page.", session: session)
        }
        let b = d.booking
        let canEditClient = StaffPermissions.decide(role: session.role, staffID: session.account.id, action: .editClient,
                                                    on: .booking(coordinatorID: b.coordinatorID)).isAllowed
        let values: [String: Any] = [
            "adoption": adoptionValues(d, canEdit: canEditClient) as Any, "canEditClient": canEditClient,
            "source": source?.label as Any,
            "lifecycle": lifecycleValues(d, hasProposal: hasProposal, session: session, flash: flash),
            "details": detailsFormValues(d.booking, coordinators: coordinators, flash: flash), "detailsOpen": flash.form == "details" || flash.openDetails,
            "startTimeMissing": ReminderPlan.needsStartTime(hasStartTime: b.eventStartTime != nil, state: b.state),
            "canRevise": hasProposal && ProposalRevision.refusal(state: b.state) == nil,
            "notice": flash.notice as Any, "alert": flash.alert as Any,
            "booking": [
                "publicID": b.publicID, "stateLabel": b.state.label, "eventType": EventType(rawValue: b.eventType)?.label ?? b.eventType,
                "eventDate": NotificationFormat.date(b.eventDate), "eventStartTime": b.eventStartTime as Any, "city": b.city,
                "venue": b.venue as Any, "guests": b.guests, "budget": BudgetRange(rawValue: b.budget)?.label ?? b.budget,
                "services": b.services.isEmpty ? "None chosen" : b.services.map { EventService(rawValue: $0)?.label ?? $0 }.joined(separator: ", "),
                "notes": b.notes.flatMap { $0.isEmpty ? nil : $0 } as Any, "coordinatorName": b.coordinatorName as Any,
                "createdAt": NotificationFormat.dateTime(b.createdAt), "sourceIP": b.sourceIP as Any,
            ] as [String: Any],
            "client": [
                "name": d.client.name, "phone": d.client.phone, "email": d.client.email as Any,
                "whatsApp": d.client.whatsAppConsent ? "Agreed to messages" : "Not agreed: email and calls only",
            ] as [String: Any],
            "history": d.history.map { h in
                ["label": (h.from.map { "\($0.label) to " } ?? "Created as ") + h.to.label, "at": NotificationFormat.dateTime(h.at),
                 "actor": h.actor, "note": h.note as Any] as [String: Any]
            },
            "timeline": d.timeline.map { ["title": $0.title, "body": $0.body, "at": NotificationFormat.dateTime($0.createdAt)] as [String: Any] },
            "milestones": d.milestones.map { m in
                ["label": m.label, "amount": m.amount.inr, "due": NotificationFormat.date(m.dueOn), "status": m.status.label] as [String: Any]
            },
            "payments": d.payments.map { p in
                ["amount": p.amount.inr, "milestone": p.milestoneLabel, "at": NotificationFormat.dateTime(p.at), "method": p.method ?? "method not reported",
                 "status": p.status, "receipt": p.receiptNumber as Any] as [String: Any]
            },
            "vendors": d.vendors.map { v in
                ["name": v.assignment.vendorName, "role": v.assignment.role, "status": v.assignment.status.label,
                 "blocked": v.blocked?.reason as Any] as [String: Any]
            },
            "tasks": d.tasks.map { t in
                ["title": t.title, "done": t.doneAt.map(NotificationFormat.dateTime) as Any, "due": t.dueAt.map(NotificationFormat.dateTime) as Any,
                 "assignee": t.assigneeName ?? t.assigneeRole] as [String: Any]
            },
            "audit": d.audit.map { a in
                ["action": a.action, "at": NotificationFormat.dateTime(a.at), "actor": a.actorName ?? a.actor] as [String: Any]
            },
            "canAudit": StaffPermissions.decide(role: session.role, staffID: session.account.id, action: .viewAudit).isAllowed,
            // a list's wrapper shows only when it has items (a section over the list itself would repeat per item)
            "has": ["milestones": !d.milestones.isEmpty, "payments": !d.payments.isEmpty, "vendors": !d.vendors.isEmpty,
                    "tasks": !d.tasks.isEmpty, "audit": !d.audit.isEmpty],
        ]
        return templates.response(AdminPage("booking", title: "\(d.client.name): \(b.publicID)", status: flash.status, current: "bookings",
                                            values: values), session: session)
    }

    func auditLog(_ request: Request, session: StaffSession) async throws -> Response {
        let query = try request.query()
        var filter = AuditFilter()
        var problems: [String] = []
        if let a = query["actor"], !a.isEmpty { filter.actor = String(a.prefix(100)) }
        if let b = query["booking"], !b.isEmpty { filter.bookingPublicID = String(b.prefix(64)) }
        for (name, label) in [("from", "From"), ("to", "To")] {
            guard let text = query[name], !text.isEmpty else { continue }
            guard let d = CalendarDay(text) else { problems.append("\(label) must be a date like 2026-12-31."); continue }
            if name == "from" { filter.from = d } else { filter.to = d }
        }
        if let p = query["page"], let n = Int(p) { filter.page = n }
        let finalFilter = filter
        let (result, people) = try await context.database.withConnection { c in
            (try AuditLogQueries.search(c, finalFilter), try StaffAccountRepository.all(c))
        }
        let pageSize = min(max(1, filter.pageSize), AuditFilter.maximumPageSize)
        let pageCount = max(1, (result.total + pageSize - 1) / pageSize)
        let page = min(max(1, filter.page), 1_000_000)
        func link(_ p: Int) -> String {
            var pairs = query.pairs.filter { $0.name != "page" }
            pairs.append(("page", String(p)))
            return "/admin/audit?" + pairs.map { "\(FormData.encodeComponent($0.name))=\(FormData.encodeComponent($0.value))" }.joined(separator: "&")
        }
        let rows: [[String: Any]] = result.rows.map { e in
            let shown = e.details.filter { $0.key != AuditLogQueries.ipKey && $0.key != AuditLogQueries.userAgentKey }
                .sorted { $0.key < $1.key }.map { "\($0.key): \($0.value)" }.joined(separator: ", ")
            return ["action": e.action, "entity": e.entity, "entityID": e.entityID as Any, "at": NotificationFormat.dateTime(e.at),
                    "actor": e.actorName.map { "\($0) (\(e.actor))" } ?? e.actor, "ip": e.ip as Any,
                    "details": shown.isEmpty ? nil as String? as Any : shown]
        }
        return templates.response(AdminPage("audit", title: "Audit log", current: "audit", values: [
            "filter": ["booking": filter.bookingPublicID ?? "", "from": query["from"] ?? "", "to": query["to"] ?? ""],
            "people": people.map { ["value": "staff:\($0.id)", "name": $0.name, "selected": filter.actor == "staff:\($0.id)"] as [String: Any] },
            "rows": rows, "summary": result.total == 0 ? "No entries match." : "\(result.total) entr\(result.total == 1 ? "y" : "ies") match.",
            "problem": problems.isEmpty ? nil as String? as Any : problems.joined(separator: " "),
            "paging": pageCount > 1 ? ["page": page, "pageCount": pageCount,
                                       "previous": page > 1 ? link(page - 1) : nil as String? as Any,
                                       "next": page < pageCount ? link(page + 1) : nil as String? as Any] as [String: Any] : nil as [String: Any]? as Any,
        ]), session: session)
    }
}
