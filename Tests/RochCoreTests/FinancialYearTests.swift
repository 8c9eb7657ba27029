import Foundation
import Testing
import RochCore

struct FinancialYearTests {
    @Test func financialYearRunsFromAprilToMarch() {
        #expect(FinancialYear.containing(CalendarDay("2026-04-01")!).label == "2026-27")
        #expect(FinancialYear.containing(CalendarDay("2027-03-31")!).label == "2026-27")
        #expect(FinancialYear.containing(CalendarDay("2026-03-31")!).label == "2025-26")
        #expect(FinancialYear.containing(CalendarDay("2099-12-01")!).label == "2099-00")
        #expect(FinancialYear.containing(CalendarDay("2008-06-01")!).label == "2008-09")
        let year = FinancialYear(startYear: 2026)
        #expect(year.firstDay == CalendarDay("2026-04-01") && year.lastDay == CalendarDay("2027-03-31"))
        #expect(FinancialYear(label: "2026-27") == year)
        #expect(FinancialYear(label: "2026-28") == nil)
        #expect(FinancialYear(label: "26-27") == nil)
    }

    @Test func invoiceNumbersArePrefixYearAndFourDigitSequence() {
        let year = FinancialYear(startYear: 2026)
        #expect(InvoiceNumber.format(prefix: "RE", year: year, sequence: 1) == "RE/2026-27/0001")
        #expect(InvoiceNumber.format(prefix: "RC", year: year, sequence: 123) == "RC/2026-27/0123")
        #expect(InvoiceNumber.format(prefix: "RE", year: year, sequence: 12_345) == "RE/2026-27/12345")
        let parsed = InvoiceNumber.parse("RE/2026-27/0042")
        #expect(parsed?.prefix == "RE" && parsed?.year == year && parsed?.sequence == 42)
        #expect(InvoiceNumber.parse("RE/2026-27/42") == nil)
        #expect(InvoiceNumber.parse("RE/2026-27/0000") == nil)
    }

    @Test func financialYearIsCodableAsItsLabel() throws {
        let data = try JSONEncoder().encode([FinancialYear(startYear: 2026)])
        #expect(String(decoding: data, as: UTF8.self) == #"["2026-27"]"#)
    }
}
