import RochCore
import Testing

@Suite struct OfflinePaymentFormTests {
    let today = CalendarDay("2026-12-04")!
    let outstanding = Money(rupees: 350_000)

    func check(method: String? = "bank_transfer", amount: String? = "3,50,000", reference: String? = "UTR HDFC0001234",
               receivedOn: String? = "2026-12-03") -> Result<OfflinePayment, ValidationErrors> {
        OfflinePaymentForm.validate(method: method, amount: amount, reference: reference, receivedOn: receivedOn,
                                    outstanding: outstanding, today: today)
    }

    func errors(_ r: Result<OfflinePayment, ValidationErrors>) -> [String: String] {
        if case .failure(let e) = r { return e.fields }
        return [:]
    }

    @Test func aBankTransferOfTheBalanceIsAccepted() throws {
        let payment = try check().get()
        #expect(payment == OfflinePayment(method: .bankTransfer, amount: Money(rupees: 350_000), reference: "UTR HDFC0001234",
                                          receivedOn: CalendarDay("2026-12-03")!))
    }

    @Test func cashNeedsNoReferenceButTheOthersDo() throws {
        #expect(try check(method: "cash", reference: "  ").get().reference == nil)
        for method in ["bank_transfer", "upi", "cheque"] {
            #expect(errors(check(method: method, reference: "")).keys.sorted() == ["reference"])
        }
    }

    @Test func moreThanIsOutstandingIsRefusedOnTheAmount() {
        let e = errors(check(amount: "3,50,000.01"))
        #expect(e.keys.sorted() == ["amount"])
        #expect(e["amount"]!.contains("₹3,50,000"))
    }

    @Test func aMilestoneWithNothingOutstandingTakesNoPayment() {
        let r = OfflinePaymentForm.validate(method: "cash", amount: "100", reference: nil, receivedOn: "2026-12-04", outstanding: .zero, today: today)
        #expect(errors(r)["amount"] == "Nothing is outstanding on this milestone.")
    }

    @Test func everyBadFieldIsNamedAtOnce() {
        let e = errors(check(method: "barter", amount: "-5", reference: String(repeating: "x", count: 101), receivedOn: "2026-12-05"))
        #expect(e.keys.sorted() == ["amount", "method", "received_on", "reference"])
        #expect(e["received_on"]!.contains("future"))
    }

    @Test func datesMustBeRealAndRecent() {
        #expect(errors(check(receivedOn: "2026-02-30"))["received_on"] == "Enter a date like 2026-12-04.")
        #expect(errors(check(receivedOn: ""))["received_on"] == "Enter the date the money was received.")
        #expect(errors(check(receivedOn: "2025-11-01"))["received_on"] != nil)
        #expect((try? check(receivedOn: "2026-12-04").get()) != nil)
    }

    @Test func amountsAreReadAsPeopleTypeThem() throws {
        #expect(try check(amount: "₹ 1,00,000.50").get().amount == Money(paise: 10_000_050))
        #expect(errors(check(amount: "1,0000"))["amount"] == MoneyParseError.misplacedComma.message)
        #expect(errors(check(amount: "0"))["amount"] == "The amount must be more than ₹0.")
    }

    @Test func aReferenceIsOneLine() {
        #expect(errors(check(reference: "UTR1\nUTR2"))["reference"] == "The reference must be on one line.")
    }
}
