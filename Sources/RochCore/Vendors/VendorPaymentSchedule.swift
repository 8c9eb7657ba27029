/// What Roch agreed to pay a vendor for one assignment: an advance by one date, the balance by another.
public struct VendorPaymentSchedule: Sendable, Equatable {
    public var agreed: Money
    public var advance: Money
    public var advanceDueOn: CalendarDay?
    public var balanceDueOn: CalendarDay?

    public init(agreed: Money, advance: Money = .zero, advanceDueOn: CalendarDay? = nil, balanceDueOn: CalendarDay? = nil) {
        self.agreed = agreed
        self.advance = advance
        self.advanceDueOn = advanceDueOn
        self.balanceDueOn = balanceDueOn
    }

    public var balance: Money { agreed - advance }

    /// One part of the schedule and how much of it is paid (payments settle the advance first).
    public struct Part: Sendable, Equatable {
        public var label: String
        public var amount: Money
        public var dueOn: CalendarDay?
        public var paid: Money
        public var outstanding: Money { amount - paid }
        public var isSettled: Bool { paid >= amount }

        /// Unsettled with its date passed.
        public func isOverdue(today: CalendarDay) -> Bool { !isSettled && (dueOn.map { $0 < today } ?? false) }
    }

    /// The advance (when there is one) and the balance, with `paid` applied to the advance first.
    public func parts(paid: Money) -> [Part] {
        var result: [Part] = []
        var left = max(paid, .zero)
        if advance > .zero {
            let p = min(left, advance)
            result.append(Part(label: "Advance", amount: advance, dueOn: advanceDueOn, paid: p))
            left -= p
        }
        if balance > .zero || result.isEmpty {
            result.append(Part(label: advance > .zero ? "Balance" : "Full amount", amount: balance, dueOn: balanceDueOn, paid: min(left, balance)))
        }
        return result
    }

    /// When the next unpaid part falls due (stored as `payment_due_on`, which the payables and
    /// overdue queries read): nil once everything is paid or no date was set for the part.
    public func nextDueOn(paid: Money) -> CalendarDay? {
        parts(paid: paid).first { !$0.isSettled && $0.amount > .zero }?.dueOn
    }

    /// Refuses a schedule that cannot be paid as written; problems by form field.
    public func problems() -> FieldErrors {
        var errors = FieldErrors()
        if agreed.isNegative { errors.add("amount_agreed", "The agreed amount cannot be negative.") }
        if advance.isNegative { errors.add("advance_amount", "The advance cannot be negative.") }
        else if advance > agreed { errors.add("advance_amount", "The advance (\(advance.inr)) is more than the agreed \(agreed.inr).") }
        if advance > .zero && advanceDueOn == nil { errors.add("advance_due_on", "Say when the advance is due.") }
        if balance > .zero && balanceDueOn == nil { errors.add("balance_due_on", "Say when the balance is due.") }
        if let a = advanceDueOn, let b = balanceDueOn, advance > .zero, b < a {
            errors.add("balance_due_on", "The balance cannot fall due before the advance (\(a)).")
        }
        return errors
    }
}

/// Whether an assignment may be taken off a booking: not when others wait on it (the graph would
/// lose their reason) or when money has moved (the ledger must keep its row).
public enum VendorAssignmentRemoval {
    /// nil: it may go. Otherwise the reason, naming who waits and what was paid.
    public static func refusal(role: String, waitingRoles: [String], paid: Money) -> String? {
        var reasons: [String] = []
        if !waitingRoles.isEmpty {
            reasons.append("\(waitingRoles.joined(separator: ", ")) \(waitingRoles.count == 1 ? "waits" : "wait") on it; remove \(waitingRoles.count == 1 ? "that dependency" : "those dependencies") first")
        }
        if paid > .zero {
            reasons.append("\(paid.inr) has been paid to the vendor; cancel the assignment instead so the payment stays on record")
        }
        guard !reasons.isEmpty else { return nil }
        return "\(role) cannot be removed: " + reasons.joined(separator: ", and ") + "."
    }
}

/// Which payables fall in "pay these this week": overdue, or due within the next seven days.
public enum VendorPaymentWeek {
    public static func includes(dueOn: CalendarDay, today: CalendarDay) -> Bool {
        dueOn <= today.adding(days: 7)
    }
}
