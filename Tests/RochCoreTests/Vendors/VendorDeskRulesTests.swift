import Testing
@testable import RochCore

/// The pure rules behind the vendors desk: vendor details, the payment schedule to a vendor,
/// when an assignment may be removed, and the left-to-right layout of the graph drawing.
struct VendorDeskRulesTests {
    static func form(_ fields: [String: String], payout: Bool = true) -> Result<VendorProfile, FieldErrors> {
        VendorProfileForm.validate({ fields[$0] }, includePayout: payout)
    }

    @Test func gstinsAreCheckedWithTheirCheckCharacter() {
        #expect(IndianTaxID.isValidGSTIN("27AAPFU0939F1ZV"))
        #expect(IndianTaxID.isValidGSTIN("29AAGCB7383J1Z4"))
        #expect(!IndianTaxID.isValidGSTIN("27AAPFU0939F1ZX"))  // one character off
        #expect(!IndianTaxID.isValidGSTIN("27AAPFU0939F1Z"))
        #expect(IndianTaxID.isPAN("AAPFU0939F") && !IndianTaxID.isPAN("AAPF09399F") && !IndianTaxID.isPAN("aapfu0939f"))
        #expect(IndianTaxID.isIFSC("HDFC0001234") && !IndianTaxID.isIFSC("HDFC1001234"))
        #expect(IndianTaxID.isUPI("marigold.decor@okhdfc") && !IndianTaxID.isUPI("marigold@ok-hdfc") && !IndianTaxID.isUPI("@okhdfc"))
    }

    @Test func aVendorFormNormalisesWhatWasTyped() throws {
        let p = try Self.form(["name": "  Sharma Caterers ", "category": "caterer", "phone": "94140 00102", "gstin": "27aapfu0939f1zv",
                               "pan": "aapfu0939f", "email": "Orders@Sharma.IN", "payout_method": "upi", "payout_upi": "sharma@okicici"]).get()
        #expect(p.name == "Sharma Caterers" && p.phone == "+919414000102" && p.gstin == "27AAPFU0939F1ZV" && p.pan == "AAPFU0939F")
        #expect(p.email == "Orders@sharma.in" && p.payout == VendorPayout(method: .upi, upi: "sharma@okicici"))
    }

    @Test func everyBadFieldIsNamedAndPayoutFieldsAreIgnoredWithoutThePermission() {
        guard case .failure(let e) = Self.form(["category": "juggler", "gstin": "27AAPFU0939F1ZV", "pan": "BBPFU0939F", "payout_method": "bank_transfer",
                                                "payout_account_number": "12"]) else { Issue.record("accepted"); return }
        #expect(e.messages.map(\.field) == ["name", "category", "pan", "payout_account_number"])
        #expect(e["pan"] == "This PAN differs from the one inside the GSTIN (AAPFU0939F).")
        let noPayout = try? Self.form(["name": "X", "category": "other", "payout_upi": "not a upi"], payout: false).get()
        #expect(noPayout?.payout == nil)
    }

    @Test func paymentsSettleTheAdvanceFirstAndTheNextDueDateFollows() {
        let s = VendorPaymentSchedule(agreed: Money(rupees: 50_000), advance: Money(rupees: 10_000),
                                      advanceDueOn: CalendarDay("2027-01-01"), balanceDueOn: CalendarDay("2027-02-01"))
        #expect(s.nextDueOn(paid: .zero) == CalendarDay("2027-01-01"))
        #expect(s.nextDueOn(paid: Money(rupees: 9_999)) == CalendarDay("2027-01-01"))
        #expect(s.nextDueOn(paid: Money(rupees: 10_000)) == CalendarDay("2027-02-01"))
        #expect(s.nextDueOn(paid: Money(rupees: 50_000)) == nil)
        let parts = s.parts(paid: Money(rupees: 15_000))
        #expect(parts.map(\.label) == ["Advance", "Balance"])
        #expect(parts[0].isSettled && parts[1].paid == Money(rupees: 5_000))
        #expect(parts[1].isOverdue(today: CalendarDay("2027-02-02")!) && !parts[1].isOverdue(today: CalendarDay("2027-02-01")!))
        #expect(s.problems().isEmpty)
    }

    @Test func anUnpayableScheduleIsRefusedByField() {
        let e = VendorPaymentSchedule(agreed: Money(rupees: 10_000), advance: Money(rupees: 20_000)).problems()
        #expect(e.messages.map(\.field) == ["advance_amount", "advance_due_on"])
        let backwards = VendorPaymentSchedule(agreed: Money(rupees: 10_000), advance: Money(rupees: 2_000),
                                              advanceDueOn: CalendarDay("2027-02-01"), balanceDueOn: CalendarDay("2027-01-01")).problems()
        #expect(backwards["balance_due_on"] == "The balance cannot fall due before the advance (2027-02-01).")
    }

    @Test func anAssignmentOthersWaitOnOrThatWasPaidStays() {
        #expect(VendorAssignmentRemoval.refusal(role: "Caterer", waitingRoles: [], paid: .zero) == nil)
        #expect(VendorAssignmentRemoval.refusal(role: "Caterer", waitingRoles: ["Decorator"], paid: .zero)
                == "Caterer cannot be removed: Decorator waits on it; remove that dependency first.")
        #expect(VendorAssignmentRemoval.refusal(role: "Caterer", waitingRoles: ["Decorator", "Florist"], paid: Money(rupees: 5_000))
                == "Caterer cannot be removed: Decorator, Florist wait on it; remove those dependencies first, and ₹5,000 has been paid to the vendor; cancel the assignment instead so the payment stays on record.")
    }

    @Test func theDrawingPutsEveryAssignmentRightOfWhatItWaitsOn() throws {
        let g = try VendorGraph(assignments: (1...5).map { VendorAssignment(id: $0, role: "R\($0)") },
                                dependencies: [.init(dependent: 2, required: 1), .init(dependent: 3, required: 2), .init(dependent: 4, required: 1),
                                               .init(dependent: 3, required: 4)])
        let layout = VendorGraphLayout(g)
        #expect(layout.columns == 3 && layout.rows == 2)
        for d in g.dependencies { #expect(layout.places[d.dependent]!.column > layout.places[d.required]!.column) }
        #expect(layout.places[1] == .init(column: 0, row: 0) && layout.places[5] == .init(column: 0, row: 1))
        #expect(layout.places[2] == .init(column: 1, row: 0) && layout.places[4] == .init(column: 1, row: 1))
    }
}
