import Foundation
import RochCore
import RochHTTP
import RochStore

/// "Edit terms" on a booking's vendors page: role, deliverable, milestone, client visibility, the
/// agreed amount and the vendor's payment schedule, and notes. One transaction writes the terms
/// (refused by `VendorTermsEdit` once money has moved), sends a new milestone date or client words
/// through VendorMilestoneService (the client's timeline and the portal's live update, as any other
/// vendor change), and re-plans the vendor_payment_overdue message for the new schedule.
extension AdminApp {
    func editVendorTerms(_ a: VendorAssignmentRecord, form: FormData, values: [String: String], actor: String, now: Date, back: String,
                         refuse: (VendorFormState, Int) async throws -> Response) async throws -> Response {
        func refused(_ errors: FieldErrors) async throws -> Response {
            try await refuse(VendorFormState(form: "terms", assignmentID: a.id, errors: errors, values: values,
                                             alert: "The terms of \(a.role) were not changed: " + (errors.messages.first?.message ?? "see the marked fields.")), 422)
        }
        let terms: VendorAssignmentTerms
        switch Self.assignmentTerms(form, vendorID: a.vendorID) {
        case .failure(let errors): return try await refused(errors)
        case .success(let t): terms = t
        }
        let service = VendorMilestoneService(configuration: context.configuration)
        let overdue = VendorPaymentOverdueNotice(configuration: context.configuration)
        do {
            try await context.database.transaction { c in
                try VendorDesk.editTerms(c, assignmentID: a.id, terms, actor: actor)
                try service.update(VendorMilestoneChange(assignmentID: a.id, milestoneDate: terms.milestoneDate,
                                                         clearMilestoneDate: terms.milestoneDate == nil,
                                                         milestoneText: terms.milestoneText ?? "", actorLabel: actor), on: c, now: now)
                try overdue.replan(assignmentID: a.id, on: c)
            }
        } catch let refusal as VendorTermsRefused {
            return try await refused(refusal.errors)
        }
        return Response.redirect(to: back + "?notice=terms#a\(a.id)")
    }

    /// The edit form's fields: what was typed when it was refused, otherwise the terms as they stand.
    static func termsFields(_ a: VendorAssignmentRecord, extra: VendorAssignmentExtras, refused: VendorFormState?) -> [String: Any] {
        if let refused, refused.form == "terms" {
            return fieldValues(refused.values, errors: refused.errors)
        }
        let s = extra.schedule
        return fieldValues([
            "role": a.role, "deliverable": extra.deliverable ?? "", "milestone_date": a.milestoneDate?.description ?? "",
            "milestone_text": a.milestoneText ?? "", "amount_agreed": rupees(a.amountAgreed), "advance_amount": rupees(s.advance),
            "advance_due_on": s.advanceDueOn?.description ?? "", "balance_due_on": s.balanceDueOn?.description ?? "",
            "notes": extra.notes ?? "", "client_visible": a.clientVisible ? "1" : "",
        ], errors: FieldErrors())
    }

    /// Rupees as typed in a form: "120000", "120000.50".
    static func rupees(_ m: Money) -> String {
        let p = m.paise
        return p % 100 == 0 ? String(p / 100) : "\(p / 100).\(String(format: "%02d", abs(p % 100)))"
    }
}
