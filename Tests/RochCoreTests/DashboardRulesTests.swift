import RochCore
import Testing

/// The dashboard's pure rules: payment urgency, Indian financial-year quarters, event readiness.
@Suite struct DashboardRulesTests {
    let today = CalendarDay("2026-12-04")!

    @Test func urgencyIsOverdueAfterTheDueDayAmberForAWeekThenNeutral() {
        #expect(PaymentUrgency(dueOn: today.adding(days: -1), today: today) == .overdue)
        #expect(PaymentUrgency(dueOn: today, today: today) == .dueWithinWeek)
        #expect(PaymentUrgency(dueOn: today.adding(days: 7), today: today) == .dueWithinWeek)
        #expect(PaymentUrgency(dueOn: today.adding(days: 8), today: today) == .later)
        #expect(PaymentUrgency.overdue.label == "Overdue")
    }

    @Test func quartersOfTheFinancialYearRunAprilToMarch() {
        let q = FinancialQuarter.containing(today)
        #expect(q.description == "Q3 2026-27" && q.firstDay == CalendarDay("2026-10-01") && q.lastDay == CalendarDay("2026-12-31"))
        let q4 = FinancialQuarter.containing(CalendarDay("2027-03-31")!)
        #expect(q4.description == "Q4 2026-27" && q4.firstDay == CalendarDay("2027-01-01") && q4.lastDay == CalendarDay("2027-03-31"))
        #expect(FinancialQuarter.containing(CalendarDay("2026-04-01")!).description == "Q1 2026-27")
        #expect(FinancialQuarter.containing(CalendarDay("2026-03-31")!).description == "Q4 2025-26")
        #expect(q4.next.description == "Q1 2027-28" && q.sameQuarterLastYear.description == "Q3 2025-26")
        #expect(FinancialQuarter.containing(CalendarDay("2026-04-01")!).previous.description == "Q4 2025-26")
    }

    @Test func monthsStepAcrossYears() {
        let m = CalendarMonth(containing: today)
        #expect(m.adding(months: 1).description == "2027-01" && m.adding(months: -12).description == "2025-12")
        #expect(CalendarMonth(year: 2028, month: 2)!.lastDay == CalendarDay("2028-02-29"))
    }

    @Test func readinessSaysWhatIsMissing() {
        let ready = EventReadiness(vendors: 4, vendorsConfirmed: 4, balanceUnpaid: .zero, lastTimelineDay: today.adding(days: -7),
                                   daysToEvent: 14, today: today)
        #expect(ready.missing.isEmpty && ready.score == 3 && ready.isInFinalDays)
        let late = EventReadiness(vendors: 4, vendorsConfirmed: 3, balanceUnpaid: Money(rupees: 50_000),
                                  lastTimelineDay: today.adding(days: -8), daysToEvent: 15, today: today)
        #expect(late.missing == ["1 of 4 vendors not confirmed", "₹50,000 balance unpaid", "client timeline not updated for 8 days"])
        #expect(late.score == 0 && !late.isInFinalDays)
        let empty = EventReadiness(vendors: 0, vendorsConfirmed: 0, balanceUnpaid: .zero, lastTimelineDay: nil, daysToEvent: 0, today: today)
        #expect(empty.missing == ["client timeline empty"])
    }

    @Test func wedingSeasonsWeighMoreThanTheMonsoonAndEveryStateCanBeDrawn() {
        #expect(HistoryDistribution.seasonWeight(month: 12) > HistoryDistribution.seasonWeight(month: 7) * 4)
        var seen = Set<BookingState>()
        for i in 0..<1_000 {
            let roll = Double(i) / 1_000
            seen.insert(HistoryDistribution.state(daysToEvent: -10, roll: roll))
            seen.insert(HistoryDistribution.state(daysToEvent: 20, roll: roll))
        }
        #expect(seen == Set(BookingState.allCases))
        #expect(HistoryDistribution.state(daysToEvent: -1, roll: 0) == .completed)
    }
}
