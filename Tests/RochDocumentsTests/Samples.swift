import RochCore
@testable import RochDocuments

/// The documents the tests render: a wedding billed in Karnataka, a client whose name is in Telugu.
enum Samples {
    static let letterhead = Letterhead.rochEvents(gstin: "29AAPFR1234K1Z5")
    static let lines = [
        InvoiceLine(description: "Wedding planning and coordination", unitPrice: Money(rupees: 1_00_000), ratePercent: 18),
        InvoiceLine(description: "Catering, per plate", quantity: 250, unitPrice: Money(paise: 119_999), ratePercent: 18),
        InvoiceLine(description: "Printed menu cards", sac: "998912", unitPrice: Money(paise: 33_333), rateBasisPoints: 500),
    ]

    static func invoice(clientGSTIN: String? = nil, placeOfSupply: GSTState = GSTState(code: 29)!) -> TaxInvoiceDetails {
        TaxInvoiceDetails(number: "INV/2026-27/0042", issuedOn: CalendarDay(year: 2026, month: 12, day: 4)!, letterhead: letterhead,
                          client: Party(name: "శ్రీనివాస్ రెడ్డి (Srinivas Reddy)", addressLines: ["Plot 12, Jubilee Hills", "Hyderabad 500033, Telangana"],
                                        phone: "+91 98765 00001", email: "srinivas@example.in", gstin: clientGSTIN),
                          placeOfSupply: placeOfSupply, lines: lines, event: "Wedding · 14 Feb 2027 · Mysuru",
                          bookingReference: "bk_7Q2M9X", createdAt: "2026-12-04T10:30:00+05:30")
    }
}
