import Testing
import RochCore

/// Proposal totals and payment-plan sums: hand-worked GST examples and random properties.
struct ProposalArithmeticTests {
    static func day(_ text: String) -> CalendarDay { CalendarDay(text)! }
    static let event = day("2027-02-14")

    @Test func gstIsRoundedPerLineHandWorked() {
        // Decor: 3 × ₹333.33 = ₹999.99; 18 % = 179.9982 -> ₹180.00.
        // Catering: 7 × ₹0.55 = ₹3.85; 5 % = 0.1925 -> ₹0.19.
        // Photography: ₹1,000.03 − ₹0.00; 12 % = 120.0036 -> ₹120.00.
        // On the sum the same figures would give a different tax, so the per-line rule matters:
        // the sum of taxable values ₹2,003.87 at mixed rates has no single rate to apply.
        let lines = [
            ProposalLine(service: "decor", description: "Mandap", quantity: 3, unitPrice: Money(paise: 33_333)),
            ProposalLine(service: "catering", description: "Tea", quantity: 7, unitPrice: Money(paise: 55), rateBasisPoints: 500),
            ProposalLine(service: "photography", description: "Album", quantity: 1, unitPrice: Money(paise: 100_003), rateBasisPoints: 1_200),
        ]
        #expect(lines.map(\.tax.tax.paise) == [18_000, 19, 12_000])
        let totals = ProposalTotals(lines: lines)
        #expect(totals.taxableValue.paise == 99_999 + 385 + 100_003)
        #expect(totals.gst.paise == 30_019)
        #expect(totals.total.paise == 200_387 + 30_019)
    }

    @Test func halfPaisaRoundsAwayFromZeroOnEachLine() {
        // ₹0.25 at 18 % = 4.5 paise -> 5 paise; two such lines give 10 paise, not round(9) of the sum.
        let line = ProposalLine(service: "decor", description: "Ribbon", quantity: 1, unitPrice: Money(paise: 25))
        #expect(line.tax.tax.paise == 5)
        #expect(ProposalTotals(lines: [line, line]).gst.paise == 10)
    }

    @Test func discountLowersTheTaxableValueBeforeGST() {
        // 2 × ₹50,000 = ₹1,00,000 − ₹10,000 = ₹90,000; 18 % = ₹16,200; line total ₹1,06,200.
        let line = ProposalLine(service: "venue", description: "Lawn", quantity: 2, unitPrice: Money(rupees: 50_000), discount: Money(rupees: 10_000))
        let totals = ProposalTotals(lines: [line])
        #expect(totals.gross == Money(rupees: 1_00_000))
        #expect(totals.discount == Money(rupees: 10_000))
        #expect(totals.taxableValue == Money(rupees: 90_000))
        #expect(totals.gst == Money(rupees: 16_200))
        #expect(totals.total == Money(rupees: 1_06_200))
    }

    @Test func totalsAreExactSumsOfTheLinesForAnyAmounts() {
        var rng = SplitMix64(seed: 16)
        for _ in 0..<2_000 {
            let lines = (0..<Int.random(in: 1...20, using: &rng)).map { _ -> ProposalLine in
                let price = Int64.random(in: 1...1_00_00_000_00, using: &rng), qty = Int64.random(in: 1...500, using: &rng)
                return ProposalLine(service: "decor", description: "x", quantity: qty, unitPrice: Money(paise: price),
                                    discount: Money(paise: Int64.random(in: 0...(price * qty - 1), using: &rng)),
                                    rateBasisPoints: ProposalDraft.gstRates.randomElement(using: &rng)!)
            }
            let t = ProposalTotals(lines: lines)
            #expect(t.taxableValue + t.gst == t.total)
            #expect(t.gross - t.discount == t.taxableValue)
            // Each line's tax is within half a paisa of the exact rate × value.
            for l in lines {
                let exactTimes10k = l.taxableValue.paise * l.rateBasisPoints
                #expect(abs(l.tax.tax.paise * 10_000 - exactTimes10k) <= 5_000)
            }
        }
    }

    @Test func evenMilestonesSumExactlyForAnyTotalAndAnyCount() {
        var rng = SplitMix64(seed: 1616)
        for _ in 0..<5_000 {
            let total = Money(paise: Int64.random(in: 1...1_00_00_00_000, using: &rng))
            let count = Int.random(in: 1...ProposalDraft.maximumMilestones, using: &rng)
            guard total.paise >= Int64(count) else { continue }
            let days = (0..<count).map { Self.event.adding(days: -count + $0) }
            let milestones = ProposalDraft.evenMilestones(total: total, count: count, dueOn: days)
            #expect(milestones.reduce(Money.zero) { $0 + $1.amount } == total)
            #expect(milestones.allSatisfy { $0.amount.paise > 0 })
            let line = ProposalLine(service: "planning", description: "All", unitPrice: total, rateBasisPoints: 0)
            #expect(ProposalDraft(lines: [line], milestones: milestones).problems(eventDate: Self.event).isEmpty)
        }
    }

    @Test func aPlanIsRefusedWheneverItsSumDiffersFromTheTotal() {
        var rng = SplitMix64(seed: 7)
        for _ in 0..<2_000 {
            let count = Int.random(in: 1...6, using: &rng)
            let amounts = (0..<count).map { _ in Money(paise: Int64.random(in: 2...10_00_000_00, using: &rng)) }
            let sum = amounts.reduce(Money.zero, +)
            let shift = Int64.random(in: -1...1, using: &rng)
            let line = ProposalLine(service: "decor", description: "x", unitPrice: sum + Money(paise: shift), rateBasisPoints: 0)
            let draft = ProposalDraft(lines: [line], milestones: amounts.map { ProposalMilestone(label: "M", amount: $0, dueOn: Self.event) })
            #expect((draft.problems(eventDate: Self.event)["plan"] == nil) == (shift == 0))
        }
    }

    @Test func defaultPlanIsThirtyPercentNowAndTheBalanceAWeekBeforeTheEvent() throws {
        let plan = try #require(ProposalDraft.defaultMilestones(total: Money(paise: 1_18_000_01), today: Self.day("2026-12-04"), eventDate: Self.event))
        #expect(plan.map(\.label) == ["Deposit", "Balance"])
        #expect(plan.map(\.amount.paise) == [35_40_000, 82_60_001])
        #expect(plan.map(\.dueOn) == [Self.day("2026-12-04"), Self.day("2027-02-07")])
    }

    @Test func problemsAreReportedOnTheirFields() {
        let draft = ProposalDraft(lines: [
            ProposalLine(service: "", description: "", quantity: 0, unitPrice: Money(rupees: 100), rateBasisPoints: 1_700),
            ProposalLine(service: "decor", description: "Flowers", quantity: 1, unitPrice: Money(rupees: 100), discount: Money(rupees: 100)),
        ], milestones: [ProposalMilestone(label: " ", amount: .zero, dueOn: Self.event.adding(days: 1))])
        let p = draft.problems(eventDate: Self.event)
        #expect(Set(p.keys) == ["line.1.service", "line.1.description", "line.1.quantity", "line.1.gst_rate", "line.2.discount",
                                "milestone.1.label", "milestone.1.amount", "milestone.1.due_on"])
    }

    @Test func aPaidMilestoneCannotBeChangedOrDropped() {
        let paid = ProposalMilestone(label: "Deposit", amount: Money(rupees: 300), dueOn: Self.day("2026-12-04"), isLocked: true)
        let line = ProposalLine(service: "decor", description: "x", unitPrice: Money(rupees: 1_000), rateBasisPoints: 0)
        let changed = ProposalDraft(lines: [line], milestones: [
            ProposalMilestone(label: "Deposit", amount: Money(rupees: 400), dueOn: Self.day("2026-12-04")),
            ProposalMilestone(label: "Balance", amount: Money(rupees: 600), dueOn: Self.event)])
        #expect(changed.problems(eventDate: Self.event, previous: [paid])["plan"]?.contains("has been paid") == true)
        let kept = ProposalDraft(lines: [line], milestones: [
            ProposalMilestone(label: "Deposit", amount: Money(rupees: 300), dueOn: Self.day("2026-12-04")),
            ProposalMilestone(label: "Balance", amount: Money(rupees: 700), dueOn: Self.event)])
        #expect(kept.problems(eventDate: Self.event, previous: [paid]).isEmpty)
    }

    @Test func theFormSkipsBlankRowsAndNamesFieldsAsTheFormNumberedThem() throws {
        let fields = ["line.1.service": "decor", "line.1.description": "Mandap", "line.1.quantity": "1", "line.1.unit_price": "1,00,000",
                      "line.1.gst_rate": "18", "line.2.quantity": "1", "line.2.gst_rate": "18",
                      "line.3.service": "catering", "line.3.description": "Dinner", "line.3.quantity": "ten", "line.3.unit_price": "1.234",
                      "milestone.1.label": "Deposit", "milestone.1.amount": "35,400", "milestone.1.due_on": "2026-12-04",
                      "milestone.3.label": "Balance", "milestone.3.amount": "82,600", "milestone.3.due_on": "2027-02-30"]
        guard case .failure(let errors) = ProposalForm.parse({ fields[$0] }, eventDate: Self.event) else { Issue.record("accepted bad input"); return }
        #expect(Set(errors.fields.keys) == ["line.3.quantity", "line.3.unit_price", "milestone.3.due_on"])

        let good = fields.merging(["line.3.service": "", "line.3.description": "", "line.3.quantity": "", "line.3.unit_price": "",
                                   "milestone.3.due_on": "2027-02-07"]) { $1 }
        let draft = try ProposalForm.parse({ good[$0] }, eventDate: Self.event).get()
        #expect(draft.lines.count == 1 && draft.milestones.count == 2)
        #expect(draft.totals.total == Money(rupees: 1_18_000))
    }

    @Test func gstRatesAreReadAsPercent() {
        #expect(ProposalForm.percentBasisPoints("18") == 1_800)
        #expect(ProposalForm.percentBasisPoints("2.5%") == 250)
        #expect(ProposalForm.percentBasisPoints("101") == nil)
        #expect(ProposalForm.percentBasisPoints("-5") == nil)
        #expect(ProposalForm.percentBasisPoints("eighteen") == nil)
    }
}

struct ProposalDefaultsTests {
    static let event = CalendarDay("2027-02-14")!, today = CalendarDay("2026-12-04")!

    @Test func aFormWithoutMilestonesGetsTheStandardPlan() throws {
        let fields = ["line.1.service": "decor", "line.1.description": "Mandap", "line.1.unit_price": "1,00,000"]
        let draft = try ProposalForm.parse({ fields[$0] }, eventDate: Self.event, today: Self.today).get()
        #expect(draft.milestones.map(\.amount) == [Money(rupees: 35_400), Money(rupees: 82_600)])
        #expect(draft.milestones.map { ProposalDraft.dueRule($0, index: draft.milestones.firstIndex(of: $0)!, today: Self.today, eventDate: Self.event) }
                == ["on_acceptance", "days_before_event:7"])
    }

    @Test func dueRulesNameWhatTheDateFollows() {
        let m = { (d: String) in ProposalMilestone(label: "M", amount: Money(rupees: 1), dueOn: CalendarDay(d)!) }
        #expect(ProposalDraft.dueRule(m("2026-12-04"), index: 0, today: Self.today, eventDate: Self.event) == "on_acceptance")
        #expect(ProposalDraft.dueRule(m("2026-12-04"), index: 1, today: Self.today, eventDate: Self.event) == "on:2026-12-04")
        #expect(ProposalDraft.dueRule(m("2027-01-10"), index: 0, today: Self.today, eventDate: Self.event) == "on:2027-01-10")
        #expect(ProposalDraft.dueRule(m("2027-02-07"), index: 2, today: Self.today, eventDate: Self.event) == "days_before_event:7")
    }
}
