import Foundation
import RochApp
import RochCore
import RochHTTP
import RochStore

/// The vendors desk's pages timed in-process through the admin function (gate, session, queries,
/// rendering: the server's share of a page view), on the bench dataset and on the demo wedding.
extension VendorBenchCommand {
    func deskPages(_ c: Connection, flatMedian: Double?) async throws {
        let context = try AppContext.fromEnvironment(poolSize: 2)
        defer { context.database.shutdown() }
        let env = AppContext.environment()
        let app = AdminApp(context: context, templates: try AdminTemplates(directory: AdminTemplates.defaultDirectory(environment: env)))
        _ = try DemoData.load(into: c)
        let owner: Int64 = try c.query("SELECT id FROM staff_users WHERE role = 'owner' ORDER BY id LIMIT 1").first!.decode("id")
        let cookie = try StaffSessions(configuration: context.configuration)
            .start(c, staffID: owner, stage: .signedIn, client: StaffClient(ip: "127.0.0.1", userAgent: "vendor-bench"), now: Date())
        let largest = try c.query("""
            SELECT b.public_id, count(*) AS n, min(a.vendor_id) AS vendor FROM vendor_assignments a JOIN bookings b ON b.id = a.booking_id
            WHERE b.state IN ('deposit_paid', 'active_preparation') AND b.public_id LIKE 'bench_%'
            GROUP BY b.public_id ORDER BY n DESC, b.public_id LIMIT 1
            """).first!
        let demo = try c.query("""
            SELECT b.public_id, count(*) AS n FROM vendor_assignments a JOIN bookings b ON b.id = a.booking_id
            WHERE b.public_id NOT LIKE 'bench_%' GROUP BY b.public_id ORDER BY n DESC LIMIT 1
            """).first!
        let largestID: String = try largest.decode("public_id"), demoID: String = try demo.decode("public_id")
        let pages: [(String, String)] = [
            ("booking's vendors page, demo wedding (\(try demo.decode("n", as: Int64.self)) assignments)", "/admin/bookings/\(demoID)/vendors"),
            ("booking's vendors page, largest bench event (\(try largest.decode("n", as: Int64.self)) assignments)", "/admin/bookings/\(largestID)/vendors"),
            ("a vendor's page (all their events)", "/admin/vendors/\(try largest.decode("vendor", as: Int64.self))"),
            ("vendor directory", "/admin/vendors"),
            ("vendor payables", "/admin/vendors/payables"),
        ]
        for (title, path) in pages {
            let request = Request(method: "GET", path: path, headers: Headers([("Accept", "text/html"), ("Cookie", "\(StaffSessions.cookieName)=\(cookie)")]),
                                  remoteAddress: "127.0.0.1")
            let first = await app.handle(request)
            guard first.status == 200 else { print("vendors: desk \(title): answered \(first.status)"); continue }
            let median = await report("desk \(title), server time") { _ = await app.handle(request) }
            if let median, let flatMedian {
                print(String(format: "vendors: desk %@ = %.1f x the flat read", path, median / flatMedian))
            }
        }
    }
}
