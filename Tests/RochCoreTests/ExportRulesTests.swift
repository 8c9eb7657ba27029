import RochCore
import Testing

/// The accountant's exports: which days, and how a receipt's GST splits for GSTR-1.
@Suite struct ExportRulesTests {
    @Test func aFinancialYearRunsAprilToMarch() throws {
        let p = try ExportPeriod.parse(fy: "2026-27", from: "2020-01-01", to: nil).get()
        #expect(p.from == CalendarDay("2026-04-01") && p.to == CalendarDay("2027-03-31") && p.label == "FY 2026-27")
    }

    @Test func aRangeNeedsBothDaysInOrderAndAtMostTwoYears() throws {
        let p = try ExportPeriod.parse(fy: "", from: "2026-11-01", to: "2026-11-30").get()
        #expect(p.from == CalendarDay("2026-11-01") && p.to == CalendarDay("2026-11-30"))
        #expect(ExportPeriod.parse(fy: "2026", from: nil, to: nil) == .failure(.field(name: "fy", message: "Financial year must look like 2026-27.")))
        #expect(ExportPeriod.parse(fy: nil, from: nil, to: nil) == .failure(.field(name: "from", message: "Give a first day, or a financial year.")))
        #expect(ExportPeriod.parse(fy: nil, from: "yesterday", to: "2026-11-30") == .failure(.field(name: "from", message: "From must be a date like 2026-04-01.")))
        #expect(ExportPeriod.parse(fy: nil, from: "2026-11-01", to: "") == .failure(.field(name: "to", message: "Give a last day too.")))
        #expect(ExportPeriod.parse(fy: nil, from: "2026-11-02", to: "2026-11-01") == .failure(.field(name: "to", message: "To must not be before From.")))
        #expect(ExportPeriod.parse(fy: nil, from: "2024-01-01", to: "2026-01-02") == .failure(.field(name: "to", message: "Export at most two years at a time.")))
    }

    @Test func taxSplitsIntoCGSTAndSGSTWithinTheStateElseIGST() {
        let maharashtra = GSTState.named("Maharashtra"), karnataka = GSTState.named("Karnataka")
        let within = GSTR1Split(tax: Money(paise: 18_001), business: maharashtra, placeOfSupply: maharashtra)
        #expect(within.cgst == Money(paise: 9_000) && within.sgst == Money(paise: 9_001) && within.igst == .zero)
        let across = GSTR1Split(tax: Money(paise: 18_001), business: maharashtra, placeOfSupply: karnataka)
        #expect(across.cgst == .zero && across.sgst == .zero && across.igst == Money(paise: 18_001))
        let unknown = GSTR1Split(tax: Money(paise: 100), business: maharashtra, placeOfSupply: nil)
        #expect(unknown.cgst == Money(paise: 50) && unknown.sgst == Money(paise: 50))
    }

    @Test func everyCityOfTheHistoryHasAState() {
        for city in HistoryDistribution.cities { #expect(EventCity.state(of: city) != nil, "\(city)") }
        #expect(EventCity.state(of: " Udaipur ")?.name == "Rajasthan")
        #expect(EventCity.state(of: "Kerala")?.name == "Kerala")  // a state's own name
        #expect(EventCity.state(of: "Atlantis") == nil)
    }
}
