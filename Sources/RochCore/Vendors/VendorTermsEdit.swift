/// Changing an assignment's terms after it was made: what may change once money has moved.
/// The new schedule must be payable as written (`VendorPaymentSchedule.problems`), the agreed amount
/// cannot fall below what the vendor was already paid, and a part of the schedule that is paid
/// (payments settle the advance first) keeps its amount and date.
public enum VendorTermsEdit {
    /// Problems by form field; empty when `new` may replace `old` with `paid` already paid.
    public static func problems(old: VendorPaymentSchedule, new: VendorPaymentSchedule, paid: Money) -> FieldErrors {
        var errors = new.problems()
        if new.agreed < paid {
            errors.add("amount_agreed", "\(paid.inr) has already been paid to the vendor; the agreed amount cannot be less.")
        }
        let oldParts = old.parts(paid: paid)
        if let advance = oldParts.first(where: { $0.label == "Advance" }), advance.isSettled {
            if new.advance != old.advance {
                errors.add("advance_amount", "The advance of \(old.advance.inr) is paid; it cannot change.")
            }
            if new.advanceDueOn != old.advanceDueOn {
                errors.add("advance_due_on", "The advance is paid; its due date stays \(old.advanceDueOn?.description ?? "unset").")
            }
        }
        if let last = oldParts.last, last.label != "Advance", last.amount > .zero, last.isSettled {
            if new.balance != old.balance {
                errors.add("amount_agreed", "The \(last.label.lowercased()) of \(old.balance.inr) is paid; the agreed amount cannot change.")
            }
            if new.balanceDueOn != old.balanceDueOn {
                errors.add("balance_due_on", "The \(last.label.lowercased()) is paid; its due date stays \(old.balanceDueOn?.description ?? "unset").")
            }
        }
        return errors
    }
}
