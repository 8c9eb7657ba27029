import Foundation
import RochApp
import RochCore
import RochStore
import RochTestSupport
import Testing

/// What Roch owes its vendors, per vendor and per event, what is overdue, and paying without overpaying.
@Suite struct VendorPayablesTests {
    let database: Database

    init() throws {
        database = Database(url: try TestDatabase.makeMigrated(), maxConnections: 2)
    }

    @Test func outstandingAndOverdueAddUpPerVendorAndPerEvent() throws {
        try database.withConnectionSync { c in
            let today = CalendarDay("2026-12-01")!
            let wedding = try VendorFixture.booking(c, eventDate: "2026-12-20")
            let reception = try VendorFixture.booking(c, eventDate: "2026-12-10")
            let sharma = try VendorFixture.vendor(c)
            let bloom = try VendorFixture.vendor(c, name: "Bloom Florals", category: "florist")
            let a1 = try VendorFixture.assignment(c, booking: wedding, vendor: sharma.id, role: "Caterer", agreed: Money(rupees: 300_000), dueOn: "2026-11-25")
            _ = try VendorFixture.assignment(c, booking: reception, vendor: sharma.id, role: "Caterer", agreed: Money(rupees: 100_000), dueOn: "2026-12-05")
            _ = try VendorFixture.assignment(c, booking: wedding, vendor: bloom.id, role: "Florist", agreed: Money(rupees: 50_000), dueOn: "2026-11-30")
            // Cancelled work and fully paid work owe nothing.
            _ = try VendorFixture.assignment(c, booking: reception, vendor: bloom.id, role: "Florist", status: .cancelled,
                                             agreed: Money(rupees: 80_000), dueOn: "2026-11-01")
            try c.transaction { c in
                _ = try VendorPayables.record(c, NewVendorPayment(assignmentID: a1.id, amount: Money(rupees: 100_000), paidOn: today,
                                                                  method: "bank_transfer", reference: "UTR123", recordedBy: "staff:1"))
            }
            let s = try VendorPayables.summary(c, today: today)
            #expect(s.byVendor.map(\.vendorName) == ["Sharma Caterers", "Bloom Florals"])
            #expect(s.byVendor.map(\.outstanding) == [Money(rupees: 300_000), Money(rupees: 50_000)])
            #expect(s.byVendor.map(\.overdue) == [Money(rupees: 200_000), Money(rupees: 50_000)])
            #expect(s.byVendor.map(\.paid) == [Money(rupees: 100_000), .zero])
            #expect(s.byEvent.map(\.bookingID) == [reception, wedding], "soonest event first")
            #expect(s.byEvent.map(\.outstanding) == [Money(rupees: 100_000), Money(rupees: 250_000)])
            #expect(s.overdue.map(\.role) == ["Caterer", "Florist"])
            #expect(s.overdue.map(\.daysOverdue) == [6, 1])
            #expect(s.totalOutstanding == Money(rupees: 350_000))
        }
    }

    @Test func aPaymentNeverExceedsWhatIsOutstandingUnlessExplicitlyAllowed() throws {
        try database.withConnectionSync { c in
            let booking = try VendorFixture.booking(c)
            let v = try VendorFixture.vendor(c)
            let a = try VendorFixture.assignment(c, booking: booking, vendor: v.id, role: "Caterer", agreed: Money(paise: 10_000_050))
            func pay(_ paise: Int64, allow: Bool = false, method: String = "upi") throws -> VendorPaymentRecord {
                try c.transaction { c in
                    try VendorPayables.record(c, NewVendorPayment(assignmentID: a.id, amount: Money(paise: paise), paidOn: CalendarDay("2026-12-01")!,
                                                                  method: method, allowOverpayment: allow, recordedBy: "staff:1"))
                }
            }
            #expect(try pay(10_000_000).outstandingAfter == Money(paise: 50))
            #expect(throws: VendorPaymentRefused(kind: .exceedsOutstanding, outstanding: Money(paise: 50),
                                                 message: "₹1 is more than the ₹0.50 outstanding. Tick “pay more than outstanding” if this is intended.")) {
                try pay(100)
            }
            #expect(throws: VendorPaymentRefused.self) { try pay(0) }
            #expect(throws: VendorPaymentRefused.self) { try pay(-5) }
            #expect(throws: VendorPaymentRefused.self) { try pay(10, method: "bitcoin") }
            #expect(try pay(50).outstandingAfter == .zero)
            #expect(try pay(500, allow: true).outstandingAfter == Money(paise: -500))
            let row = try c.query("""
                SELECT a.amount_paid, (SELECT sum(amount) FROM vendor_payments WHERE assignment_id = a.id) AS total,
                       (SELECT count(*) FROM vendor_payments WHERE overpayment) AS over
                FROM vendor_assignments a WHERE a.id = $1
                """, a.id).first!
            #expect(try row.decode("amount_paid", as: Int64.self) == 10_000_550)
            #expect(try row.decode("total", as: Int64.self) == 10_000_550)
            #expect(try row.decode("over", as: Int64.self) == 1)
        }
    }
}
