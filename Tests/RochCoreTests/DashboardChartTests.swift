import RochCore
import Testing

/// The dashboard's server-drawn charts and the masked contacts of its notification log.
@Suite struct DashboardChartTests {
    @Test func theAxisRoundsUpToOneTwoOrFive() {
        func top(_ rupees: Int64) -> Money {
            BarChartSVG(title: "t", series: ["a"], groups: [.init(label: "x", values: [Money(rupees: rupees)])]).axisMaximum
        }
        #expect(top(0) == Money(rupees: 1))
        #expect(top(130_000) == Money(rupees: 200_000))
        #expect(top(450_000) == Money(rupees: 500_000))
        #expect(top(500_001) == Money(rupees: 1_000_000))
    }

    @Test func shortAmountsUseLakhAndCrore() {
        #expect(BarChartSVG.short(Money(rupees: 1_250_000)) == "₹12.5 L")
        #expect(BarChartSVG.short(Money(rupees: 12_000_000)) == "₹1.2 Cr")
        #expect(BarChartSVG.short(Money(rupees: 40_000)) == "₹40k")
        #expect(BarChartSVG.short(Money(rupees: 500)) == "₹500")
        #expect(BarChartSVG.short(Money(rupees: -100_000)) == "-₹1 L")
    }

    @Test func eachBarIsAsTallAsItsShareOfTheAxisAndCarriesItsFigure() {
        let chart = BarChartSVG(title: "Collected & <b>", series: ["This year", "Last year"], groups: [
            .init(label: "Apr", values: [Money(rupees: 100_000), Money(rupees: 50_000)]),
            .init(label: "May", values: [Money(rupees: -5), .zero]),
        ])
        let svg = chart.render(id: "rev")
        #expect(svg.hasPrefix("<svg") && svg.hasSuffix("</svg>"))
        #expect(svg.contains("aria-labelledby=\"rev-title\"") && svg.contains("<title id=\"rev-title\">Collected &amp; &lt;b&gt;</title>"))
        // plot height 260 - 28 - 40 = 192; ₹1 L is the axis top, ₹50,000 half of it
        #expect(svg.contains("height=\"192\"><title>Apr, This year: ₹1,00,000</title>"))
        #expect(svg.contains("height=\"96\"><title>Apr, Last year: ₹50,000</title>"))
        #expect(svg.contains("height=\"0\"><title>May, This year: -₹5</title>"))
        #expect(svg.components(separatedBy: "class=\"chart-series-1\"").count - 1 == 3)  // legend + two bars
    }

    @Test func phonesAndEmailsAreMaskedButTellable() {
        #expect(ContactMask.phone("+919876500001") == "+91 ••••••0001")
        #expect(ContactMask.phone("9876500001") == "••••••0001")
        #expect(ContactMask.phone("123") == "••••")
        #expect(ContactMask.email("ananya.rao@example.com") == "a•••@example.com")
        #expect(ContactMask.email("@x") == "•••")
        #expect(ContactMask.address("riya@rochevents.in") == "r•••@rochevents.in")
        #expect(ContactMask.address("+919876500001") == "+91 ••••••0001")
    }
}

@Suite struct MonthGridTests {
    @Test func weeksStartOnMondayAndLeaveOtherMonthsEmpty() {
        #expect(MonthGrid.weekday(CalendarDay("2026-12-04")!) == 4)  // a Friday
        #expect(MonthGrid.weekday(CalendarDay("1970-01-01")!) == 3)
        #expect(MonthGrid.weekday(CalendarDay("1969-12-29")!) == 0)
        let weeks = MonthGrid.weeks(CalendarMonth(year: 2026, month: 12)!)  // 1 December 2026 is a Tuesday
        #expect(weeks.count == 5 && weeks.allSatisfy { $0.count == 7 })
        #expect(weeks[0][0] == nil && weeks[0][1] == CalendarDay("2026-12-01"))
        #expect(weeks[4][3] == CalendarDay("2026-12-31") && weeks[4][4] == nil)
        #expect(weeks.flatMap { $0 }.compactMap { $0 }.count == 31)
        #expect(MonthGrid.weeks(CalendarMonth(year: 2027, month: 2)!).count == 4)  // February 2027 starts on a Monday
    }
}

@Suite struct CSVTextTests {
    @Test func fieldsAreQuotedOnlyWhenNeededAndFormulasDefused() {
        #expect(CSVText.field("Ananya Rao") == "Ananya Rao")
        #expect(CSVText.field("Rao, Ananya") == "\"Rao, Ananya\"")
        #expect(CSVText.field("say \"hi\"") == "\"say \"\"hi\"\"\"")
        #expect(CSVText.field("=HYPERLINK(1)") == "'=HYPERLINK(1)")
        #expect(CSVText.field("-5,0") == "\"'-5,0\"")
        #expect(CSVText.field("-cmd|' /C calc'!A0") == "'-cmd|' /C calc'!A0")
        #expect(CSVText.field("+91 98765 43210") == "'+91 98765 43210")
        // a negative amount (a refund, a credit note) stays a number the spreadsheet can sum
        #expect(CSVText.field("-12.05") == "-12.05")
        #expect(CSVText.field(CSVText.rupees(Money(paise: -150_000))) == "-1500.00")
        #expect(CSVText.field("-.5") == "'-.5" && CSVText.field("--1") == "'--1")
    }

    @Test func amountsArePlainRupeesWithTwoDecimals() {
        #expect(CSVText.rupees(Money(paise: 12_500_050)) == "125000.50")
        #expect(CSVText.rupees(Money(paise: 5)) == "0.05")
        #expect(CSVText.rupees(Money(paise: -1205)) == "-12.05")
        #expect(CSVText.rupees(.zero) == "0.00")
    }
}
