import Foundation
import RochCore

/// Terms the rules refused, by form field (`VendorTermsEdit.problems`, checked under the row lock).
public struct VendorTermsRefused: Error, Sendable, Equatable {
    public var errors: FieldErrors
    public init(errors: FieldErrors) { self.errors = errors }
}

extension VendorDesk {
    /// The terms of one assignment as they stand (the vendor is the assignment's own).
    public static func terms(_ c: Connection, assignmentID: Int64) throws -> VendorAssignmentTerms? {
        guard let a = try VendorRepository.assignment(c, id: assignmentID),
              let extra = try extras(c, bookingID: a.bookingID)[assignmentID] else { return nil }
        return VendorAssignmentTerms(vendorID: a.vendorID, role: a.role, deliverable: extra.deliverable, milestoneDate: a.milestoneDate,
                                     milestoneText: a.milestoneText, clientVisible: a.clientVisible, schedule: extra.schedule, notes: extra.notes)
    }

    /// Replaces an assignment's role, deliverable, visibility, notes and payment schedule, refusing what
    /// `VendorTermsEdit` refuses (against what is paid now, under the graph and row locks); re-dates
    /// the next unpaid part and writes one audit row with every changed field before and after.
    /// The milestone date and words are not written here: they go through VendorMilestoneService so the
    /// client hears of them. In the caller's transaction; returns the terms before the change.
    @discardableResult
    public static func editTerms(_ c: Connection, assignmentID: Int64, _ t: VendorAssignmentTerms, actor: String) throws -> VendorAssignmentTerms {
        guard let seen = try VendorRepository.assignment(c, id: assignmentID) else {
            var e = FieldErrors(); e.add("assignment", "That vendor assignment no longer exists.")
            throw VendorTermsRefused(errors: e)
        }
        try VendorRepository.lockGraph(c, bookingID: seen.bookingID)
        guard let current = try VendorRepository.lockAssignment(c, id: assignmentID), let before = try terms(c, assignmentID: assignmentID) else {
            var e = FieldErrors(); e.add("assignment", "That vendor assignment no longer exists.")
            throw VendorTermsRefused(errors: e)
        }
        let problems = VendorTermsEdit.problems(old: before.schedule, new: t.schedule, paid: current.amountPaid)
        guard problems.isEmpty else { throw VendorTermsRefused(errors: problems) }
        try c.execute("""
            UPDATE vendor_assignments SET role = $2, deliverable = $3, notes = $4, client_visible = $5, amount_agreed = $6,
                   advance_amount = $7, advance_due_on = $8::date, balance_due_on = $9::date, updated_at = now()
            WHERE id = $1
            """, assignmentID, t.role, t.deliverable, t.notes, t.clientVisible, t.schedule.agreed.paise,
            t.schedule.advance.paise, t.schedule.advanceDueOn?.description, t.schedule.balanceDueOn?.description)
        try refreshDueDate(c, assignmentID: assignmentID)
        var details: [String: String] = ["booking_id": String(current.bookingID)]
        for ((field, old), (_, new)) in zip(termFields(before), termFields(t)) where old != new {
            details[field + ".before"] = old
            details[field + ".after"] = new
        }
        try TeamRepository.audit(c, actor: actor, action: "vendor.terms_changed", entity: "vendor_assignment", entityID: String(assignmentID),
                                 details: details)
        return before
    }

    /// The terms as the audit row spells them, field by field.
    static func termFields(_ t: VendorAssignmentTerms) -> [(String, String)] {
        [("role", t.role), ("deliverable", t.deliverable ?? ""), ("milestone_date", t.milestoneDate?.description ?? ""),
         ("milestone_text", t.milestoneText ?? ""), ("client_visible", t.clientVisible ? "yes" : "no"),
         ("amount_agreed_paise", String(t.schedule.agreed.paise)), ("advance_paise", String(t.schedule.advance.paise)),
         ("advance_due_on", t.schedule.advanceDueOn?.description ?? ""), ("balance_due_on", t.schedule.balanceDueOn?.description ?? ""),
         ("notes", t.notes ?? "")]
    }
}
