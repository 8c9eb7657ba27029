import Testing
import RochCore

struct PaymentPlanTests {
    static func day(_ text: String) -> CalendarDay { CalendarDay(text)! }

    @Test func standardPlanIsThirtyPercentDepositOnAcceptanceAndBalanceSevenDaysBeforeTheEvent() throws {
        let schedule = try PaymentPlan.standard.schedule(total: Money(rupees: 12_50_000),
                                                         acceptedOn: Self.day("2026-11-25"), eventDate: Self.day("2027-02-14"))
        #expect(schedule == [
            ScheduledMilestone(sequence: 1, label: "Deposit", amount: Money(rupees: 3_75_000), dueOn: Self.day("2026-11-25")),
            ScheduledMilestone(sequence: 2, label: "Balance", amount: Money(rupees: 8_75_000), dueOn: Self.day("2027-02-07")),
        ])
    }

    @Test func depositIsThirtyPercentWithRemainderOnBalance() throws {
        // 30% of ₹1,000.01 is ₹300.003 -> ₹300.00; the balance takes the odd paisa.
        let schedule = try PaymentPlan.standard.schedule(total: Money(paise: 100_001),
                                                         acceptedOn: Self.day("2026-01-01"), eventDate: Self.day("2026-06-01"))
        #expect(schedule.map(\.amount.paise) == [30_000, 70_001])
    }

    @Test func balanceIsDueOnAcceptanceWhenAcceptedWithinSevenDaysOfTheEvent() throws {
        let schedule = try PaymentPlan.standard.schedule(total: Money(rupees: 1_00_000),
                                                         acceptedOn: Self.day("2026-12-10"), eventDate: Self.day("2026-12-14"))
        #expect(schedule.map(\.dueOn) == [Self.day("2026-12-10"), Self.day("2026-12-10")])
        let sameDay = try PaymentPlan.standard.schedule(total: Money(rupees: 1_00_000),
                                                        acceptedOn: Self.day("2026-12-14"), eventDate: Self.day("2026-12-14"))
        #expect(sameDay.map(\.dueOn) == [Self.day("2026-12-14"), Self.day("2026-12-14")])
    }

    @Test func amountsAlwaysSumExactlyToTheTotal() throws {
        var rng = SplitMix64(seed: 2026)
        for _ in 0..<2_000 {
            let parts = Int.random(in: 1...5, using: &rng)
            var remaining: Int64 = 10_000
            var milestones: [PlannedMilestone] = []
            for index in 0..<parts - 1 {
                let bp = Int64.random(in: 1...max(1, remaining - Int64(parts - index - 1)), using: &rng)
                guard remaining - bp >= 1 else { break }
                remaining -= bp
                milestones.append(PlannedMilestone(label: "Part \(index + 1)", share: .percent(basisPoints: bp), due: .onAcceptance))
            }
            milestones.append(PlannedMilestone(label: "Final", share: .percent(basisPoints: remaining), due: .daysBeforeEvent(3)))
            let total = Money(paise: Int64.random(in: 10_000...10_000_000_000, using: &rng))
            let schedule = try PaymentPlan(milestones: milestones)
                .schedule(total: total, acceptedOn: Self.day("2026-01-01"), eventDate: Self.day("2026-12-31"))
            #expect(schedule.map(\.amount).reduce(.zero, +) == total)
            #expect(schedule.map(\.sequence) == Array(1...schedule.count))
            for (planned, scheduled) in zip(milestones.dropLast(), schedule) {
                if case .percent(let bp) = planned.share { #expect(scheduled.amount == total.percent(basisPoints: bp)) }
            }
        }
    }

    @Test func fixedAmountsAndDatedMilestones() throws {
        let plan = PaymentPlan(milestones: [
            PlannedMilestone(label: "Booking amount", share: .amount(Money(rupees: 50_000)), due: .onAcceptance),
            PlannedMilestone(label: "Second", share: .percent(basisPoints: 4_000), due: .daysAfterAcceptance(30)),
            PlannedMilestone(label: "Decor advance", share: .amount(Money(rupees: 25_000)), due: .on(Self.day("2026-01-10"))),
            PlannedMilestone(label: "Balance", share: .remainder, due: .daysBeforeEvent(7)),
        ])
        let schedule = try plan.schedule(total: Money(rupees: 5_00_000), acceptedOn: Self.day("2026-01-15"),
                                         eventDate: Self.day("2026-04-01"))
        #expect(schedule.map(\.amount) == [Money(rupees: 50_000), Money(rupees: 2_00_000), Money(rupees: 25_000), Money(rupees: 2_25_000)])
        // A fixed date before acceptance moves to the acceptance day.
        #expect(schedule.map(\.dueOn) == [Self.day("2026-01-15"), Self.day("2026-02-14"), Self.day("2026-01-15"), Self.day("2026-03-25")])
    }

    static func problems(_ plan: PaymentPlan, total: Money = Money(rupees: 1_00_000),
                         accepted: String = "2026-01-01", event: String = "2026-06-01") -> [String] {
        do {
            _ = try plan.schedule(total: total, acceptedOn: day(accepted), eventDate: day(event))
            return []
        } catch let error as PaymentPlanError {
            return error.problems
        } catch { return ["unexpected \(error)"] }
    }

    @Test func invalidPlansAreRejectedWithEveryReason() {
        #expect(Self.problems(PaymentPlan(milestones: [])) == ["The payment plan has no milestones; add at least one."])
        let over = PaymentPlan(milestones: [
            PlannedMilestone(label: "A", share: .percent(basisPoints: 6_000), due: .onAcceptance),
            PlannedMilestone(label: "B", share: .percent(basisPoints: 5_000), due: .onAcceptance),
        ])
        #expect(Self.problems(over) == ["The percentages add up to 110%, more than 100%."])
        let under = PaymentPlan(milestones: [PlannedMilestone(label: "A", share: .percent(basisPoints: 9_950), due: .onAcceptance)])
        #expect(Self.problems(under).first?.contains("99.50%") == true)
        let negative = PaymentPlan(milestones: [
            PlannedMilestone(label: "Refund", share: .amount(Money(rupees: -5)), due: .onAcceptance),
            PlannedMilestone(label: "Rest", share: .remainder, due: .daysBeforeEvent(-2)),
        ])
        #expect(Self.problems(negative) == ["'Refund' must be more than ₹0 (it is -₹5).", "'Rest' has a negative number of days (-2).",
                                            "'Rest' would be due on 2026-06-03, after the event on 2026-06-01."])
        let twoRemainders = PaymentPlan(milestones: [
            PlannedMilestone(label: "A", share: .remainder, due: .onAcceptance),
            PlannedMilestone(label: "B", share: .remainder, due: .onAcceptance),
        ])
        #expect(Self.problems(twoRemainders) == ["Only one milestone can take the remainder (2 do)."])
        let nothingLeft = PaymentPlan(milestones: [
            PlannedMilestone(label: "Advance", share: .amount(Money(rupees: 1_00_000)), due: .onAcceptance),
            PlannedMilestone(label: "Balance", share: .remainder, due: .onAcceptance),
        ])
        #expect(Self.problems(nothingLeft).first?.contains("leaving nothing for the remainder") == true)
        let notAddingUp = PaymentPlan(milestones: [PlannedMilestone(label: "Advance", share: .amount(Money(rupees: 40_000)), due: .onAcceptance)])
        #expect(Self.problems(notAddingUp) == ["The milestones add up to ₹40,000 but the total is ₹1,00,000; make one milestone the remainder."])
    }

    @Test func nothingMayFallDueAfterTheEvent() {
        let late = PaymentPlan(milestones: [
            PlannedMilestone(label: "Deposit", share: .percent(basisPoints: 3_000), due: .onAcceptance),
            PlannedMilestone(label: "Final", share: .remainder, due: .daysAfterAcceptance(200)),
        ])
        #expect(Self.problems(late) == ["'Final' would be due on 2026-07-20, after the event on 2026-06-01."])
        #expect(Self.problems(.standard, accepted: "2026-07-01", event: "2026-06-01").first?.contains("after the event") == true)
        #expect(Self.problems(.standard, total: .zero).first == "The total must be more than ₹0 (it is ₹0).")
    }

    @Test func tinyTotalsThatRoundAMilestoneToZeroAreRefused() {
        #expect(Self.problems(.standard, total: Money(paise: 1)) == ["'Deposit' comes to ₹0 on a total of ₹0.01."])
    }
}
