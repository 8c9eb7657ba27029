import Foundation
import Testing
import RochCore

struct ProposalRevisionTests {
    static let deposit = ProposalMilestone(label: "Deposit", amount: Money(rupees: 300_000), dueOn: CalendarDay("2027-01-10")!)
    static let balance = ProposalMilestone(label: "Balance", amount: Money(rupees: 700_000), dueOn: CalendarDay("2027-02-07")!)
    /// The deposit paid, the balance open.
    static let previous = [
        ProposalRevision.Previous(id: 11, sequence: 1, milestone: deposit, amountPaid: Money(rupees: 300_000)),
        ProposalRevision.Previous(id: 12, sequence: 2, milestone: balance, amountPaid: .zero),
    ]

    @Test func thePaidDepositIsKeptAndTheUnpaidBalanceIsReplacedByTheNewMilestones() throws {
        let second = ProposalMilestone(label: "Second instalment", amount: Money(rupees: 400_000), dueOn: CalendarDay("2027-01-31")!)
        let last = ProposalMilestone(label: "Balance", amount: Money(rupees: 500_000), dueOn: CalendarDay("2027-02-07")!)
        let plan = try ProposalRevision.plan(previous: Self.previous, revised: [Self.deposit, second, last]).get()
        #expect(plan.kept == [.init(id: 11, sequence: 1)])
        #expect(plan.created == [.init(sequence: 2, milestone: second), .init(sequence: 3, milestone: last)])
        #expect(plan.replaced == [12])
        #expect(plan.paidSoFar == Money(rupees: 300_000))
        #expect(plan.stillToPay == Money(rupees: 900_000))
    }

    @Test func anUnchangedUnpaidMilestoneIsStillReplacedSoItGetsAFreshLink() throws {
        let plan = try ProposalRevision.plan(previous: Self.previous, revised: [Self.deposit, Self.balance]).get()
        #expect(plan.kept.map(\.id) == [11] && plan.replaced == [12] && plan.created.map(\.sequence) == [2])
    }

    @Test func aPaidMilestoneCanNeverBeEditedOrRemoved() {
        let cheaper = ProposalMilestone(label: "Deposit", amount: Money(rupees: 200_000), dueOn: Self.deposit.dueOn)
        for revised in [[cheaper, Self.balance], [Self.balance], [ProposalMilestone(label: "Advance", amount: Self.deposit.amount, dueOn: Self.deposit.dueOn), Self.balance]] {
            #expect(ProposalRevision.plan(previous: Self.previous, revised: revised)
                    == .failure(ValidationErrors(fields: ["plan": "'Deposit' (₹3,00,000) has been paid and cannot be changed or removed."])))
        }
    }

    @Test func aPaidDepositStaysFirst() {
        let early = ProposalMilestone(label: "Booking fee", amount: Money(rupees: 10_000), dueOn: CalendarDay("2027-01-01")!)
        #expect(ProposalRevision.plan(previous: Self.previous, revised: [early, Self.deposit, Self.balance])
                == .failure(ValidationErrors(fields: ["plan": "The paid 'Deposit' must stay the first milestone."])))
    }

    @Test func aPartlyPaidMilestoneIsLockedTooAndCountsWhatWasPaid() throws {
        var previous = Self.previous
        previous[1].amountPaid = Money(rupees: 100_000)
        #expect(throws: ValidationErrors.self) { try ProposalRevision.plan(previous: previous, revised: [Self.deposit]).get() }
        let plan = try ProposalRevision.plan(previous: previous, revised: [Self.deposit, Self.balance]).get()
        #expect(plan.kept.map(\.id) == [11, 12] && plan.replaced.isEmpty && plan.created.isEmpty)
        #expect(plan.paidSoFar == Money(rupees: 400_000) && plan.stillToPay == Money(rupees: 600_000))
    }

    @Test func beforeTheDepositNothingIsLockedAndEveryOldMilestoneIsReplaced() throws {
        let unpaid = Self.previous.map { var p = $0; p.amountPaid = .zero; return p }
        let plan = try ProposalRevision.plan(previous: unpaid, revised: [Self.balance]).get()
        #expect(plan.kept.isEmpty && plan.replaced == [11, 12] && plan.paidSoFar == .zero && plan.stillToPay == Money(rupees: 700_000))
    }

    @Test func onlyASentProposalStillToHappenMayBeRevisedAndItsDueLinksFollowTheDeposit() {
        #expect(ProposalRevision.refusal(state: .proposalSent) == nil)
        #expect(ProposalRevision.refusal(state: .depositPaid) == nil)
        #expect(ProposalRevision.refusal(state: .activePreparation) == nil)
        #expect(ProposalRevision.refusal(state: .discussion) != nil)
        #expect(ProposalRevision.refusal(state: .cancelled) == "This booking is Cancelled: its proposal can no longer be revised.")
        #expect(ProposalRevision.linksToIssue(state: .proposalSent) == "on_acceptance")
        #expect(ProposalRevision.linksToIssue(state: .depositPaid) == "remaining")
    }
}
