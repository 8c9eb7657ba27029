import RochCore
import Testing

@Suite struct RefundFormTests {
    let refundable = Money(rupees: 1_50_000)

    @Test func aPartialRefundWithAReasonIsAccepted() throws {
        let entry = try RefundForm.validate(amount: "75,000", reason: " Cancelled 40 days out: half back ", refundable: refundable).get()
        #expect(entry == RefundRequestEntry(amount: Money(rupees: 75_000), reason: "Cancelled 40 days out: half back", isFull: false))
    }

    @Test func everythingThatRemainsIsAFullRefund() throws {
        #expect(try RefundForm.validate(amount: "1,50,000", reason: "Cancelled by us", refundable: refundable).get().isFull)
    }

    @Test func moreThanRemainsOrLessThanARupeeIsRefusedOnTheAmount() {
        for (typed, expected) in [("1,50,000.01", "At most ₹1,50,000.00 can be refunded on this payment."), ("0.50", "Razorpay refunds at least ₹1."),
                                  ("", MoneyParseError.empty.message)] {
            guard case .failure(let e) = RefundForm.validate(amount: typed, reason: "x", refundable: refundable) else {
                Issue.record("\(typed) was accepted"); continue
            }
            #expect(e.fields == ["amount": expected])
        }
    }

    @Test func aReasonIsRequiredAndShort() {
        guard case .failure(let e) = RefundForm.validate(amount: "100", reason: "  ", refundable: refundable),
              case .failure(let long) = RefundForm.validate(amount: "100", reason: String(repeating: "a", count: 501), refundable: refundable) else {
            Issue.record("a missing or overlong reason was accepted"); return
        }
        #expect(e.fields.keys.sorted() == ["reason"])
        #expect(long.fields.keys.sorted() == ["reason"])
    }

    @Test func aFullyRefundedPaymentTakesNoMoreRefunds() {
        guard case .failure(let e) = RefundForm.validate(amount: "100", reason: "again", refundable: .zero) else { Issue.record("accepted"); return }
        #expect(e.fields["amount"] == "Nothing is left to refund on this payment.")
    }
}
