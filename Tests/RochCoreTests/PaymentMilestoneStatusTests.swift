import RochCore
import Testing

@Suite struct PaymentMilestoneStatusTests {
    let amount = Money(rupees: 1_000)

    func derive(paid: Int64 = 0, refunded: Int64 = 0, link: PaymentLinkStatus?) -> PaymentMilestoneStatus {
        PaymentMilestoneStatus.derive(amount: amount, paid: Money(rupees: paid), refunded: Money(rupees: refunded), currentLink: link)
    }

    @Test func paidInFullIsPaidWhateverTheLinkSays() {
        for link in [nil] + PaymentLinkStatus.allCases.map(Optional.some) {
            #expect(derive(paid: 1_000, link: link) == .paid)
            #expect(derive(paid: 1_200, link: link) == .paid)
        }
    }

    @Test func theCurrentLinkDecidesUntilPaid() {
        #expect(derive(link: nil) == .pending)
        #expect(derive(link: .creating) == .pending)
        #expect(derive(link: .created) == .linkIssued)
        #expect(derive(paid: 300, link: .created) == .partiallyPaid)
        #expect(derive(paid: 300, link: .partiallyPaid) == .partiallyPaid)
        #expect(derive(link: .expired) == .expired)
        #expect(derive(paid: 300, link: .expired) == .expired)
        #expect(derive(link: .cancelled) == .cancelled)
        // Razorpay calls the link paid but less reached us (a flagged mismatch): not paid.
        #expect(derive(paid: 10, link: .paid) == .partiallyPaid)
        #expect(derive(link: .paid) == .linkIssued)
    }

    @Test func refundedInFullIsRefundedAndAPartRefundKeepsItPaid() {
        #expect(derive(paid: 1_000, refunded: 1_000, link: .paid) == .refunded)
        #expect(derive(paid: 1_000, refunded: 400, link: .paid) == .paid)
        #expect(derive(paid: 300, refunded: 300, link: .expired) == .refunded)
    }

    @Test func aLinkOnlyMovesForwardAndPaidWins() {
        #expect(PaymentLinkStatus.created.advanced(to: .partiallyPaid) == .partiallyPaid)
        #expect(PaymentLinkStatus.expired.advanced(to: .partiallyPaid) == .expired)
        #expect(PaymentLinkStatus.paid.advanced(to: .expired) == .paid)
        #expect(PaymentLinkStatus.expired.advanced(to: .paid) == .paid)
        #expect(PaymentLinkStatus.partiallyPaid.advanced(to: .created) == .partiallyPaid)
        #expect(PaymentLinkStatus.creating.advanced(to: .created) == .created)
        // Any order of the same reports ends in the same place.
        let reports: [PaymentLinkStatus] = [.created, .partiallyPaid, .paid]
        for a in reports { for b in reports { for c in reports {
            #expect([a, b, c].reduce(PaymentLinkStatus.creating) { $0.advanced(to: $1) } == [a, b, c].max { order($0) < order($1) }!)
        } } }
    }

    func order(_ s: PaymentLinkStatus) -> Int { [.creating, .created, .partiallyPaid, .expired, .cancelled, .paid].firstIndex(of: s)! }
}
