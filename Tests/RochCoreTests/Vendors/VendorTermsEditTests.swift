import Testing
@testable import RochCore

/// Editing an assignment's terms after money has moved: the agreed amount and paid parts hold.
struct VendorTermsEditTests {
    static let old = VendorPaymentSchedule(agreed: Money(rupees: 300_000), advance: Money(rupees: 100_000),
                                           advanceDueOn: CalendarDay("2027-01-10"), balanceDueOn: CalendarDay("2027-02-10"))

    @Test func anythingMayChangeWhileNothingIsPaid() {
        let new = VendorPaymentSchedule(agreed: Money(rupees: 250_000), advance: Money(rupees: 50_000),
                                        advanceDueOn: CalendarDay("2027-01-05"), balanceDueOn: CalendarDay("2027-02-20"))
        #expect(VendorTermsEdit.problems(old: Self.old, new: new, paid: .zero).isEmpty)
    }

    @Test func theAgreedAmountCannotFallBelowWhatWasPaid() {
        var new = Self.old
        new.agreed = Money(rupees: 120_000)
        new.advance = Money(rupees: 100_000)
        let e = VendorTermsEdit.problems(old: Self.old, new: new, paid: Money(rupees: 150_000))
        #expect(e["amount_agreed"] == "₹1,50,000 has already been paid to the vendor; the agreed amount cannot be less.")
        new.agreed = Money(rupees: 150_000)
        #expect(VendorTermsEdit.problems(old: Self.old, new: new, paid: Money(rupees: 150_000)).isEmpty, "equal to what was paid is fine")
    }

    @Test func aPaidAdvanceKeepsItsAmountAndDate() {
        var new = Self.old
        new.advance = Money(rupees: 120_000)
        new.advanceDueOn = CalendarDay("2027-01-01")
        let e = VendorTermsEdit.problems(old: Self.old, new: new, paid: Money(rupees: 100_000))
        #expect(e["advance_amount"] == "The advance of ₹1,00,000 is paid; it cannot change.")
        #expect(e["advance_due_on"] == "The advance is paid; its due date stays 2027-01-10.")
        // Half the advance paid: the advance is not settled, so it may still change.
        #expect(VendorTermsEdit.problems(old: Self.old, new: new, paid: Money(rupees: 50_000)).isEmpty)
        // The balance (unpaid) may still move with the advance paid.
        var later = Self.old
        later.agreed = Money(rupees: 350_000)
        later.balanceDueOn = CalendarDay("2027-03-01")
        #expect(VendorTermsEdit.problems(old: Self.old, new: later, paid: Money(rupees: 100_000)).isEmpty)
    }

    @Test func aPaidBalanceKeepsItsAmountAndDate() {
        var new = Self.old
        new.agreed = Money(rupees: 400_000)
        new.balanceDueOn = CalendarDay("2027-02-11")
        let e = VendorTermsEdit.problems(old: Self.old, new: new, paid: Money(rupees: 300_000))
        #expect(e["amount_agreed"] == "The balance of ₹2,00,000 is paid; the agreed amount cannot change.")
        #expect(e["balance_due_on"] == "The balance is paid; its due date stays 2027-02-10.")
        #expect(e["advance_amount"] == nil && e["advance_due_on"] == nil, "unchanged parts raise nothing")
    }

    @Test func badSchedulesAreStillRefused() {
        let new = VendorPaymentSchedule(agreed: Money(rupees: 100_000), advance: Money(rupees: 150_000),
                                        advanceDueOn: nil, balanceDueOn: nil)
        let e = VendorTermsEdit.problems(old: Self.old, new: new, paid: .zero)
        #expect(e["advance_amount"] == "The advance (₹1,50,000) is more than the agreed ₹1,00,000.")
        #expect(e["advance_due_on"] == "Say when the advance is due.")
        #expect(e["balance_due_on"] == nil, "nothing is left to pay as the balance")
    }
}
