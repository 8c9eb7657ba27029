import Foundation
import RochCore
import RochHTTP
import RochStore

/// `/admin/bookings/<id>/vendors`: a booking's vendors, who waits on whom (drawn and listed),
/// schedule conflicts, payables; and its forms (assign, status, dependencies, remove, links, payments).
extension AdminApp {
    /// What a refused form leaves on the page: which form, its problems and what was typed.
    struct VendorFormState {
        var form: String
        var assignmentID: Int64?
        var errors = FieldErrors()
        var values: [String: String] = [:]
        var alert: String?
    }

    struct BookingVendorData: Sendable {
        var booking: BookingRecord
        var clientName: String
        var assignments: [VendorAssignmentRecord]
        var graph: VendorGraph
        var extras: [Int64: VendorAssignmentExtras]
        var notes: [Int64: [VendorNote]]
        var doubleBookings: [VendorDoubleBooking]
        var payments: [VendorPaymentLine]
        var vendors: [VendorChoice]
    }

    struct VendorChoice: Sendable { var id: Int64; var name: String; var category: VendorCategory }

    func loadBookingVendors(_ publicID: String) async throws -> BookingVendorData? {
        try await context.database.withConnection { c in
            guard let b = try BookingRepository.find(c, publicID: publicID) else { return nil }
            let assignments = try VendorRepository.assignments(c, bookingID: b.id)
            let graph = try VendorGraph(assignments: assignments.map(\.node), dependencies: try VendorRepository.dependencies(c, bookingID: b.id))
            return BookingVendorData(
                booking: b, clientName: try ClientRepository.find(c, id: b.clientID)?.name ?? "Client", assignments: assignments, graph: graph,
                extras: try VendorDesk.extras(c, bookingID: b.id), notes: try VendorDesk.notes(c, bookingID: b.id),
                doubleBookings: try VendorDesk.doubleBookings(c, bookingID: b.id), payments: try VendorDesk.payments(c, bookingID: b.id),
                vendors: try VendorDirectory.activeVendors(c).map { VendorChoice(id: $0.id, name: $0.name, category: $0.category) })
        }
    }

    func bookingVendors(_ publicID: String, request: Request, session: StaffSession, now: Date,
                        state: VendorFormState? = nil, status: Int = 200) async throws -> Response {
        guard let d = try await loadBookingVendors(publicID) else {
            return message(status: 404, heading: "No such booking", text: "No booking has the id \(publicID). Search for it on the bookings page.", session: session)
        }
        let today = IST.day(of: now)
        let canChange = may(session, .vendorActions, on: .booking(coordinatorID: d.booking.coordinatorID))
        let canPay = may(session, .moneyActions)
        let blocked = Dictionary(uniqueKeysWithValues: d.graph.blocked().map { ($0.id, $0) })
        let critical = d.graph.criticalPath()
        let onPath = Set(critical)
        let conflicts = d.graph.scheduleConflicts()
        let byID = Dictionary(uniqueKeysWithValues: d.assignments.map { ($0.id, $0) })
        func name(_ id: Int64) -> String { byID[id].map { "\($0.role) (\($0.vendorName))" } ?? "assignment \(id)" }
        let svg = VendorGraphSVG.draw(
            graph: d.graph,
            nodes: Dictionary(uniqueKeysWithValues: d.assignments.map { a in
                (a.id, VendorGraphSVG.Node(id: a.id, role: a.role, vendor: a.vendorName, status: a.status.label,
                                           blockedReason: blocked[a.id]?.reason, critical: onPath.contains(a.id)))
            }),
            criticalPath: critical, title: "Who waits on whom for \(d.clientName)'s event")
        let order = d.graph.topologicalOrder()
        let facts: [[String: Any]] = order.compactMap { id in
            guard let a = byID[id] else { return nil }
            let waits = d.graph.requirements(of: id).map(name)
            return ["anchor": "a\(id)", "name": name(id), "status": a.status.label, "waits": waits.isEmpty ? nil as String? as Any : waits.joined(separator: ", "),
                    "blocked": blocked[id]?.reason as Any, "critical": onPath.contains(id)]
        }
        let conflictLines: [String] = conflicts.map { $0.reason }
            + d.doubleBookings.map { "\(name($0.assignmentID)) is also booked on \(NotificationFormat.date($0.date)) as \($0.otherRole) for booking \($0.otherBookingPublicID)." }
        let statusChoices: (VendorAssignmentStatus) -> [[String: Any]] = { current in
            VendorAssignmentStatus.allCases.filter { current.canMove(to: $0) }.map { ["value": $0.rawValue, "label": $0.label] as [String: Any] }
        }
        let cards: [[String: Any]] = d.assignments.map { a in
            let extra = d.extras[a.id] ?? VendorAssignmentExtras(deliverable: nil, notes: nil, schedule: VendorPaymentSchedule(agreed: a.amountAgreed))
            let parts = a.status == .cancelled ? [] : extra.schedule.parts(paid: a.amountPaid)
            let mine = state?.assignmentID == a.id ? state : nil
            let outstanding = a.status == .cancelled ? Money.zero : max(a.amountAgreed - a.amountPaid, .zero)
            return [
                "id": String(a.id), "anchor": "a\(a.id)", "role": a.role, "vendor": a.vendorName, "vendorID": String(a.vendorID),
                "status": a.status.label, "statusValue": a.status.rawValue, "deliverable": extra.deliverable as Any,
                "milestoneText": a.milestoneText as Any, "milestoneDate": a.milestoneDate.map(NotificationFormat.date) as Any,
                "milestoneDateValue": a.milestoneDate?.description ?? "", "clientVisible": a.clientVisible,
                "blocked": blocked[a.id]?.reason as Any, "critical": onPath.contains(a.id),
                "agreed": a.amountAgreed.inr, "paid": a.amountPaid.inr, "outstanding": outstanding.inr, "owes": outstanding > .zero,
                "parts": parts.map { p in
                    ["label": p.label, "amount": p.amount.inr, "due": p.dueOn.map(NotificationFormat.date) ?? "no date set",
                     "state": p.isSettled ? "paid" : (p.paid > .zero ? "\(p.paid.inr) paid, \(p.outstanding.inr) to pay" : "to pay"),
                     "overdue": p.isOverdue(today: today)] as [String: Any]
                },
                "notes": extra.notes as Any, "hasReports": !(d.notes[a.id] ?? []).isEmpty,
                "reports": (d.notes[a.id] ?? []).map { n in
                    ["who": n.author == "vendor" ? "The vendor" : "The team", "body": n.body, "at": NotificationFormat.dateTime(n.at)] as [String: Any]
                },
                "link": a.linkRevokedAt == nil ? "Self-service links issued so far work until they expire." : "Self-service links are revoked.",
                "linkRevoked": a.linkRevokedAt != nil,
                "statuses": statusChoices(a.status), "canMove": !statusChoices(a.status).isEmpty,
                "error": mine?.alert as Any, "f": Self.fieldValues(mine?.values ?? [:], errors: mine?.errors ?? FieldErrors()),
                "today": today.description,
                "t": Self.termsFields(a, extra: extra, refused: mine), "termsOpen": mine?.form == "terms", "paidSoFar": a.amountPaid > .zero,
            ]
        }
        let deps: [[String: Any]] = d.graph.dependencies.map { e in
            ["dependent": String(e.dependent), "required": String(e.required), "text": "\(name(e.dependent)) waits on \(name(e.required))"]
        }
        let assignForm = state?.form == "assign" ? state : nil
        let dependForm = state?.form == "depend" ? state : nil
        let query = try request.query()
        let notices = ["assigned": "The vendor is assigned.", "status": "Status saved; the client was told if the milestone rules say so.",
                       "depend": "Dependency added.", "undepend": "Dependency removed.", "removed": "The assignment was removed.",
                       "revoked": "The vendor's self-service links are revoked.", "sent": "The vendor's link is on its way (WhatsApp and/or email; see the notification log).", "paid": "Vendor payment recorded.",
                       "terms": "Terms saved; the payables, due dates and any client-facing milestone are updated."]
        let values: [String: Any] = [
            "booking": ["publicID": d.booking.publicID, "client": d.clientName, "eventDate": NotificationFormat.date(d.booking.eventDate),
                        "eventType": EventType(rawValue: d.booking.eventType)?.label ?? d.booking.eventType] as [String: Any],
            "svg": svg, "facts": facts, "hasAssignments": !d.assignments.isEmpty,
            "criticalPath": critical.isEmpty ? nil as String? as Any : critical.map(name).joined(separator: ", then "),
            "conflicts": conflictLines, "hasConflicts": !conflictLines.isEmpty,
            "cards": cards, "deps": deps, "hasDeps": !deps.isEmpty,
            "choices": d.assignments.map { ["id": String($0.id), "name": name($0.id),
                                            "dependentSelected": dependForm?.values["dependent"] == String($0.id),
                                            "requiredSelected": dependForm?.values["required"] == String($0.id)] as [String: Any] },
            "canChange": canChange, "canPay": canPay, "canDepend": canChange && d.assignments.count > 1,
            "vendors": d.vendors.map { v in
                ["id": String(v.id), "name": "\(v.name) (\(v.category.label))", "selected": assignForm?.values["vendor_id"] == String(v.id)] as [String: Any]
            },
            "assign": ["f": Self.fieldValues(assignForm?.values ?? ["client_visible": "1"], errors: assignForm?.errors ?? FieldErrors()),
                       "hasErrors": !(assignForm?.errors.isEmpty ?? true)] as [String: Any],
            "dependError": dependForm?.alert as Any,
            "methods": VendorPayoutMethod.allCases.map { ["value": $0.rawValue, "label": $0.label] as [String: Any] },
            "payments": d.payments.map(Self.paymentValues), "hasPayments": !d.payments.isEmpty,
            "notice": query["notice"].flatMap { notices[$0] } as Any,
            // said once at the top (role=alert) and again beside the form it concerns
            "refusal": state.map { s in s.alert ?? s.errors.messages.first?.message ?? "" } as Any,
        ]
        return templates.response(AdminPage("vendor-booking", title: "Vendors: \(d.clientName)", status: status, current: "bookings", values: values),
                                  session: session)
    }
}
