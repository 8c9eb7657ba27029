import Foundation
import RochApp
import RochCore
import RochStore
import RochTestSupport
import Testing

/// `roch seed` (what `make dev` loads): the team and a demo wedding whose vendor board tells a
/// true story, loaded once however often it runs.
@Suite struct DemoDataTests {
    @Test func seedingTwiceLoadsTheTeamAndTheDemoWeddingOnce() throws {
        let c = try Connection(url: try TestDatabase.makeMigrated())
        let first = try DemoData.load(into: c)
        let second = try DemoData.load(into: c)
        #expect(first.contains("4 team members added") && first.contains("demo wedding added"))
        #expect(second.contains("0 team members added") && second.contains("already there"))
        let counts = try c.query("""
            SELECT (SELECT count(*) FROM staff_users) AS staff, (SELECT count(*) FROM bookings) AS bookings,
                   (SELECT count(*) FROM vendors) AS vendors, (SELECT count(*) FROM vendor_dependencies) AS edges
            """).first!
        #expect(try counts.decode("staff") as Int64 == 4)
        #expect(try counts.decode("bookings") as Int64 == 1)
        #expect(try counts.decode("vendors") as Int64 == 6)
        #expect(try counts.decode("edges") as Int64 == 5)
    }

    @Test func theDemoWeddingShowsWhoIsBlockedAndWhy() throws {
        let c = try Connection(url: try TestDatabase.makeMigrated())
        _ = try DemoData.load(into: c)
        let blocked = try VendorGraphQueries.blocked(c, .activeEvents)
        // The venue is done; the caterer's menu holds up the decorator, and the decorator holds up
        // the florist and lighting.
        #expect(blocked.map(\.role) == ["Decorator", "Florist", "Lighting and sound"])
        let decorator = try #require(blocked.first { $0.role == "Decorator" })
        #expect(decorator.reason == "Decorator waits on Caterer: menu not confirmed")
        let florist = try #require(blocked.first { $0.role == "Florist" })
        #expect(florist.reason == "Florist waits on Decorator: not confirmed yet")
        #expect(florist.rootCauseReason == "Caterer: menu not confirmed")

        let payables = try VendorPayables.summary(c, today: IST.day(of: Date()))
        #expect(payables.totalOutstanding == Money(rupees: 450_000 + 380_000 + 220_000 + 90_000 + 150_000 + 75_000 - 150_000))
    }
}
