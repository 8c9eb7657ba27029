import Foundation
import RochCore
import RochHTTP
import RochStore

/// The forms of a booking's vendors page. Each parses and authorises here, then one transaction
/// writes the change with its audit row (and, through VendorMilestoneService, the client's
/// timeline, messages and coordinator tasks). A refusal re-renders the page with the reason.
extension AdminApp {
    func changeBookingVendors(_ publicID: String, request: Request, session: StaffSession, now: Date) async throws -> Response {
        let form = try request.form()
        guard let booking = try await context.database.withConnection({ c in try BookingRepository.find(c, publicID: publicID) }) else {
            throw HTTPError.notFound("No booking has the id \(publicID).")
        }
        if case .denied(let why) = StaffPermissions.decide(role: session.role, staffID: session.account.id, action: .vendorActions,
                                                           on: .booking(coordinatorID: booking.coordinatorID)) {
            try await audit(session, request, action: "staff.denied", details: ["wanted": "vendorActions", "path": String(request.path.prefix(200))])
            return message(status: 403, heading: "Not allowed", text: why, session: session)
        }
        let actor = Self.actor(session)
        let action = form["action"] ?? ""
        let values = Self.values(form)
        func refuse(_ state: VendorFormState, status: Int = 422) async throws -> Response {
            try await bookingVendors(publicID, request: request, session: session, now: now, state: state, status: status)
        }
        func assignment(_ field: String) async throws -> VendorAssignmentRecord? {
            guard let id = form[field].flatMap({ Int64($0) }) else { return nil }
            let a = try await context.database.withConnection { c in try VendorRepository.assignment(c, id: id) }
            return a?.bookingID == booking.id ? a : nil
        }
        let back = "/admin/bookings/\(publicID)/vendors"
        switch action {
        case "assign":
            switch Self.assignmentTerms(form) {
            case .failure(let errors):
                return try await refuse(VendorFormState(form: "assign", errors: errors, values: values, alert: errors.messages.first?.message))
            case .success(let terms):
                let vendorOK = try await context.database.withConnection { c in try VendorDirectory.find(c, id: terms.vendorID)?.active ?? false }
                guard vendorOK else {
                    var e = FieldErrors(); e.add("vendor_id", "Choose an active vendor from the list.")
                    return try await refuse(VendorFormState(form: "assign", errors: e, values: values, alert: e.messages.first?.message))
                }
                let overdue = VendorPaymentOverdueNotice(configuration: context.configuration)
                let id = try await context.database.transaction { c in
                    let id = try VendorDesk.assign(c, bookingID: booking.id, terms, actor: actor)
                    try overdue.replan(assignmentID: id, on: c)
                    return id
                }
                return Response.redirect(to: back + "?notice=assigned#a\(id)")
            }
        case "status":
            guard let a = try await assignment("assignment") else { return try await refuse(VendorFormState(form: "status", alert: "That assignment is not on this booking.")) }
            var errors = FieldErrors()
            let status = form["status"].flatMap(VendorAssignmentStatus.init(rawValue:))
            if status == nil { errors.add("status", "Choose the new status from the list.") }
            var date: CalendarDay?
            if let t = form["milestone_date"], !t.isEmpty {
                date = CalendarDay(t)
                if date == nil { errors.add("milestone_date", "Enter a date like 2027-02-14.") }
            }
            let text = (form["milestone_text"] ?? "").trimmingCharacters(in: .whitespacesAndNewlines)
            if text.count > 300 { errors.add("milestone_text", "Keep the client's words under 300 characters.") }
            guard errors.isEmpty, let status else {
                return try await refuse(VendorFormState(form: "status", assignmentID: a.id, errors: errors, values: values, alert: errors.messages.first?.message))
            }
            let change = VendorMilestoneChange(assignmentID: a.id, status: status, milestoneDate: date, clearMilestoneDate: date == nil,
                                               milestoneText: text, expectedStatus: form["expected"].flatMap(VendorAssignmentStatus.init(rawValue:)),
                                               actorLabel: actor)
            let service = VendorMilestoneService(configuration: context.configuration)
            do {
                let overdue = VendorPaymentOverdueNotice(configuration: context.configuration)
                try await context.database.transaction { c in
                    _ = try service.update(change, on: c, now: now)
                    try overdue.replan(assignmentID: a.id, on: c)  // a cancelled vendor is owed nothing more
                }
            } catch let conflict as VendorStatusConflict {
                return try await refuse(VendorFormState(form: "status", assignmentID: a.id, values: values, alert: conflict.message), status: 409)
            }
            return Response.redirect(to: back + "?notice=status#a\(a.id)")
        case "terms":
            guard let a = try await assignment("assignment") else { return try await refuse(VendorFormState(form: "terms", alert: "That assignment is not on this booking.")) }
            return try await editVendorTerms(a, form: form, values: values, actor: actor, now: now, back: back) { try await refuse($0, status: $1) }
        case "depend":
            guard let dependent = try await assignment("dependent"), let required = try await assignment("required") else {
                return try await refuse(VendorFormState(form: "depend", values: values, alert: "Choose two of this booking's vendors: who waits, and on whom."))
            }
            let service = VendorMilestoneService(configuration: context.configuration)
            do {
                try await context.database.transaction { c in
                    _ = try service.addDependency(dependent: dependent.id, required: required.id, actorLabel: actor, on: c, now: now)
                }
            } catch let refused as VendorDependencyRefused {
                let words = refused.kind == .cycle ? Self.loopInWords(refused.cycle, assignments: try await loadBookingVendors(publicID)?.assignments ?? []) : refused.message
                return try await refuse(VendorFormState(form: "depend", values: values, alert: words), status: 409)
            } catch let refused as VendorGraphError {
                return try await refuse(VendorFormState(form: "depend", values: values, alert: refused.description), status: 409)
            }
            return Response.redirect(to: back + "?notice=depend")
        case "undepend":
            guard let dependent = try await assignment("dependent"), let required = try await assignment("required") else {
                return try await refuse(VendorFormState(form: "undepend", alert: "That dependency is not on this booking."))
            }
            let service = VendorMilestoneService(configuration: context.configuration)
            try await context.database.transaction { c in
                try VendorRepository.lockGraph(c, bookingID: booking.id)
                let before = try VendorRepository.graph(c, bookingID: booking.id)
                guard try VendorRepository.removeDependency(c, dependent: dependent.id, required: required.id) else { return }
                let after = try VendorRepository.graph(c, bookingID: booking.id)
                try TeamRepository.audit(c, actor: actor, action: "vendor.dependency_removed", entity: "vendor_assignment",
                                         entityID: String(dependent.id), details: ["requires": String(required.id)])
                try service.announce(VendorGraph.blockingChanges(from: before, to: after), booking: booking,
                                     cause: "u\(dependent.id)-\(required.id)", on: c, now: now)
            }
            return Response.redirect(to: back + "?notice=undepend")
        case "remove":
            guard let a = try await assignment("assignment") else { return try await refuse(VendorFormState(form: "remove", alert: "That assignment is not on this booking.")) }
            do {
                try await context.database.transaction { c in try VendorDesk.remove(c, assignmentID: a.id, actor: actor) }
            } catch let refused as VendorAssignmentRemovalRefused {
                return try await refuse(VendorFormState(form: "remove", assignmentID: a.id, alert: refused.message), status: 409)
            }
            return Response.redirect(to: back + "?notice=removed")
        case "sendlink":
            guard let a = try await assignment("assignment") else { return try await refuse(VendorFormState(form: "sendlink", alert: "That assignment is not on this booking.")) }
            let service = VendorMilestoneService(configuration: context.configuration)
            do {
                try await context.database.transaction { c in _ = try service.sendLink(assignmentID: a.id, actorLabel: actor, on: c, now: now) }
            } catch let refused as VendorLinkNotSent {
                return try await refuse(VendorFormState(form: "sendlink", assignmentID: a.id, alert: refused.message), status: 409)
            }
            return Response.redirect(to: back + "?notice=sent#a\(a.id)")
        case "revoke":
            guard let a = try await assignment("assignment") else { return try await refuse(VendorFormState(form: "revoke", alert: "That assignment is not on this booking.")) }
            try await context.database.transaction { c in
                try VendorRepository.revokeLinks(c, id: a.id)
                try TeamRepository.audit(c, actor: actor, action: "vendor.links_revoked", entity: "vendor_assignment", entityID: String(a.id))
            }
            return Response.redirect(to: back + "?notice=revoked#a\(a.id)")
        default:
            throw HTTPError.badRequest("This form asked for nothing the vendors page does.")
        }
    }

    func recordVendorPayment(_ publicID: String, request: Request, session: StaffSession, now: Date) async throws -> Response {
        let form = try request.form()
        let values = Self.values(form)
        guard let id = form["assignment"].flatMap({ Int64($0) }),
              let a = try await context.database.withConnection({ c in try VendorRepository.assignment(c, id: id) }),
              let booking = try await context.database.withConnection({ c in try BookingRepository.find(c, publicID: publicID) }),
              a.bookingID == booking.id else {
            throw HTTPError.notFound("That vendor assignment is not on booking \(publicID).")
        }
        var errors = FieldErrors()
        var amount = Money.zero
        do { amount = try Money.parseRupees(form["amount"] ?? "") } catch { errors.add("amount", "Enter the amount in rupees, e.g. 25,000.") }
        if errors.isEmpty && amount <= .zero { errors.add("amount", "The amount must be more than ₹0.") }
        let method = VendorPayoutMethod(rawValue: form["method"] ?? "")
        if method == nil { errors.add("method", "Choose how it was paid.") }
        let paidOn = CalendarDay(form["paid_on"] ?? "")
        if paidOn == nil { errors.add("paid_on", "Enter the date it was paid, like 2026-12-04.") }
        else if let d = paidOn, d > IST.day(of: now) { errors.add("paid_on", "The payment date cannot be in the future.") }
        let reference = (form["reference"] ?? "").trimmingCharacters(in: .whitespacesAndNewlines)
        if reference.count > 100 { errors.add("reference", "Keep the reference under 100 characters.") }
        guard errors.isEmpty, let method, let paidOn else {
            return try await bookingVendors(publicID, request: request, session: session, now: now,
                                            state: VendorFormState(form: "payment", assignmentID: a.id, errors: errors, values: values,
                                                                   alert: errors.messages.first?.message), status: 422)
        }
        let payment = NewVendorPayment(assignmentID: a.id, amount: amount, paidOn: paidOn, method: method.rawValue,
                                       reference: reference.isEmpty ? nil : reference, allowOverpayment: form["overpayment"] == "1",
                                       recordedBy: Self.actor(session))
        let overdue = VendorPaymentOverdueNotice(configuration: context.configuration)
        do {
            try await context.database.transaction { c in
                _ = try VendorPayables.record(c, payment)
                try VendorDesk.refreshDueDate(c, assignmentID: a.id)
                try overdue.replan(assignmentID: a.id, on: c)
            }
        } catch let refused as VendorPaymentRefused {
            var e = FieldErrors(); e.add("amount", refused.message)
            return try await bookingVendors(publicID, request: request, session: session, now: now,
                                            state: VendorFormState(form: "payment", assignmentID: a.id, errors: e, values: values, alert: refused.message),
                                            status: 422)
        }
        return Response.redirect(to: "/admin/bookings/\(publicID)/vendors?notice=paid#a\(a.id)")
    }

    /// "Florist (Bloom & Petal) waits on Decorator (Marigold Decor), which waits on …, which waits on Florist (Bloom & Petal)".
    static func loopInWords(_ loop: [Int64], assignments: [VendorAssignmentRecord]) -> String {
        let byID = Dictionary(uniqueKeysWithValues: assignments.map { ($0.id, "\($0.role) (\($0.vendorName))") })
        let names = loop.map { byID[$0] ?? "assignment \($0)" }
        guard let first = names.first else { return "That would make a loop." }
        let chain = names.dropFirst().enumerated().map { i, n in (i == 0 ? " waits on " : ", which waits on ") + n }.joined()
        return "Refused: that would make a loop. \(first)\(chain). Nobody could ever start; remove one of these dependencies first."
    }

    /// The assign form, checked: the terms, or every field's problem.
    /// With `vendorID` (editing an assignment's terms) the vendor is that one and the form names none.
    static func assignmentTerms(_ form: FormData, vendorID fixedVendor: Int64? = nil) -> Result<VendorAssignmentTerms, FieldErrors> {
        var errors = FieldErrors()
        func text(_ name: String, max: Int) -> String? {
            let t = (form[name] ?? "").trimmingCharacters(in: .whitespacesAndNewlines)
            if t.count > max { errors.add(name, "Keep this under \(max) characters."); return nil }
            return t.isEmpty ? nil : t
        }
        func day(_ name: String) -> CalendarDay? {
            guard let t = text(name, max: 10) else { return nil }
            guard let d = CalendarDay(t) else { errors.add(name, "Enter a date like 2027-02-14."); return nil }
            return d
        }
        func money(_ name: String) -> Money {
            guard let t = text(name, max: 20) else { return .zero }
            do { return try Money.parseRupees(t) } catch { errors.add(name, "Enter rupees, e.g. 1,20,000."); return .zero }
        }
        let vendorID = fixedVendor ?? form["vendor_id"].flatMap { Int64($0) }
        if vendorID == nil { errors.add("vendor_id", "Choose the vendor.") }
        let role = text("role", max: 60)
        if role == nil && !errors.has("role") { errors.add("role", "Say what they do here, e.g. Caterer.") }
        let deliverable = text("deliverable", max: 300)
        let milestoneDate = day("milestone_date"), milestoneText = text("milestone_text", max: 300)
        let schedule = VendorPaymentSchedule(agreed: money("amount_agreed"), advance: money("advance_amount"),
                                             advanceDueOn: day("advance_due_on"), balanceDueOn: day("balance_due_on"))
        for m in schedule.problems().messages { errors.add(m.field, m.message) }
        let notes = text("notes", max: 2000)
        guard errors.isEmpty, let vendorID, let role else { return .failure(errors) }
        return .success(VendorAssignmentTerms(vendorID: vendorID, role: role, deliverable: deliverable, milestoneDate: milestoneDate,
                                              milestoneText: milestoneText, clientVisible: form["client_visible"] == "1", schedule: schedule, notes: notes))
    }
}
