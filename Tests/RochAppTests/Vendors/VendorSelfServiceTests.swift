import Foundation
import RochApp
import RochCore
import RochHTTP
import RochStore
import RochTestSupport
import Testing

/// The vendor's signed link: works without an account, refuses expired, tampered and revoked links
/// with a page that says what to do, and only accepts its own form.
@Suite struct VendorSelfServiceTests {
    static let secret = "self-service-secret-0123456789abcdefghij"
    let context: AppContext
    let service: VendorSelfService
    let links = VendorLinks(secret: Self.secret)
    let caterer: VendorAssignmentRecord
    let decorator: Int64

    init() throws {
        context = try TestApp.context(environment: ["VENDOR_LINK_SECRET": Self.secret])
        service = VendorSelfService(context: context)
        (caterer, decorator) = try context.database.withConnectionSync { c in
            let booking = try VendorFixture.booking(c, coordinatorID: try VendorFixture.coordinator(c))
            let v = try VendorFixture.vendor(c)
            let caterer = try VendorFixture.assignment(c, booking: booking, vendor: v.id, role: "Caterer", date: "2026-12-18",
                                                       text: "menu not confirmed")
            let decorator = try VendorFixture.assignment(c, booking: booking, vendor: v.id, role: "Decorator")
            _ = try c.transaction { try VendorRepository.addDependency($0, dependent: decorator.id, required: caterer.id) }
            return (caterer, decorator.id)
        }
    }

    func token(expiresIn seconds: TimeInterval = 3600, version: Int = 1, id: Int64? = nil) -> String {
        links.token(assignmentID: id ?? caterer.id, version: version, expiresAt: Date().addingTimeInterval(seconds))
    }

    func get(_ token: String, query: String = "") async throws -> Response {
        await ErrorResponder.respond({ try await service.handle($0) },
                                         to: Request(method: "GET", path: "/api/vendor/\(token)", queryString: query,
                                                     headers: Headers([("Accept", "text/html")])))
    }

    func post(_ token: String, _ fields: [(String, String)]) async throws -> Response {
        let request = TestApp.formPost("/api/vendor/\(token)", fields)
        return await ErrorResponder.respond({ try await service.handle($0) }, to: request)
    }

    func csrf(in page: String) -> String? {
        guard let range = page.range(of: "name=\"csrf\" value=\"") else { return nil }
        return String(page[range.upperBound...].prefix { $0 != "\"" })
    }

    func status() throws -> String {
        try context.database.withConnectionSync { try $0.query("SELECT status FROM vendor_assignments WHERE id = $1", caterer.id).first!.decode("status") }
    }

    @Test func theLinkShowsTheWorkAndWhoIsWaitingWithoutAnAccount() async throws {
        let page = try await get(token())
        #expect(page.status == 200)
        #expect(page.headers["cache-control"] == "no-store" && page.headers["referrer-policy"] == "no-referrer")
        // its own CSP lets the site stylesheet in and nothing inline
        #expect(page.headers["content-security-policy"]?.contains("style-src 'self'") == true)
        #expect(page.headers["content-security-policy"]?.contains("unsafe-inline") == false)
        #expect(page.text.contains("Caterer: Wedding on"))
        #expect(page.text.contains("menu not confirmed"))
        #expect(page.text.contains("Waiting on you: Decorator"))
        #expect(page.text.contains("<meta name=\"viewport\""))
        #expect(page.text.contains("<label for=\"note\">"))
        #expect(csrf(in: page.text) != nil)
    }

    @Test func confirmingThroughTheFormMovesTheMilestoneAndKeepsTheNote() async throws {
        let t = token()
        let page = try await get(t)
        let answer = try await post(t, [("csrf", csrf(in: page.text)!), ("seen_status", "pending"), ("status", "confirmed"),
                                        ("note", "Menu final, tasting on Friday")])
        #expect(answer.status == 303)
        #expect(answer.headers["location"] == "/api/vendor/\(t)?done=confirmed")
        #expect(try status() == "confirmed")
        let after = try await get(t, query: "done=confirmed")
        #expect(after.text.contains("your status is now Confirmed"))
        #expect(after.text.contains("Menu final, tasting on Friday"))
        let (audit, portal): (String, Int64) = try context.database.withConnectionSync { c in
            (try c.query("SELECT actor FROM audit_log WHERE action = 'vendor.milestone'").first!.decode("actor"),
             try c.query("SELECT count(*) AS n FROM portal_events WHERE kind = 'vendor'").first!.decode("n"))
        }
        #expect(audit == "vendor:\(caterer.id)")
        #expect(portal == 1)
    }

    @Test func aPostWithoutTheLinksOwnCSRFTokenChangesNothing() async throws {
        let t = token()
        let otherLinksToken = links.csrfToken(for: token(id: decorator))
        for fields in [[("status", "confirmed")], [("csrf", "x"), ("status", "confirmed")], [("csrf", otherLinksToken), ("status", "confirmed")]] {
            let answer = try await post(t, fields)
            #expect(answer.status == 403)
            #expect(answer.text.contains("Please use the form on the page"))
        }
        #expect(try status() == "pending")
    }

    @Test func aMoveTheRulesRefuseIsA409ShowingTheCurrentStatus() async throws {
        let t = token()
        let form = csrf(in: try await get(t).text)!
        _ = try await post(t, [("csrf", form), ("seen_status", "pending"), ("status", "delivered")])
        #expect(try status() == "delivered")
        // The vendor's old tab still shows "pending": confirming now is refused and says why.
        let stale = try await post(t, [("csrf", form), ("seen_status", "pending"), ("status", "confirmed")])
        #expect(stale.status == 409)
        #expect(stale.text.contains("Caterer is now Delivered"))
        #expect(try status() == "delivered")
    }

    @Test func postsThroughOneLinkAreRateLimited() async throws {
        let t = token()
        for _ in 0..<20 { #expect(try await post(t, [("csrf", "guess"), ("status", "confirmed")]).status == 403) }
        let limited = try await post(t, [("csrf", "guess"), ("status", "confirmed")])
        #expect(limited.status == 429)
        #expect(limited.headers["retry-after"] != nil)
        #expect(try await get(t).status == 200, "reading the page is not limited")
    }

    @Test func anExpiredLinkIsGoneAndSaysWhoToCall() async throws {
        let page = try await get(token(expiresIn: -5))
        #expect(page.status == 410)
        #expect(page.text.contains("This link has expired"))
        #expect(page.text.contains("Please call Priya Shah on +919820011111 for a new link."))
        #expect(try await post(token(expiresIn: -5), [("status", "confirmed")]).status == 410)
    }

    @Test func aTamperedLinkIsRefused() async throws {
        let t = token()
        let parts = t.split(separator: ".").map(String.init)
        let tampered = [
            "\(decorator).\(parts[1]).\(parts[2]).\(parts[3])",           // another assignment
            "\(parts[0]).\(Int(parts[1])! + 86_400).\(parts[2]).\(parts[3])", // a later expiry
            "\(parts[0]).\(parts[1]).\(parts[2]).\(parts[3].first == "A" ? "B" : "A")\(parts[3].dropFirst())",
            "\(parts[0]).\(parts[1]).\(parts[2])", "", "not-a-token", String(repeating: "9", count: 500),
            VendorLinks(secret: "another-secret-0123456789abcdefghijklmn").token(assignmentID: caterer.id, version: 1,
                                                                               expiresAt: Date().addingTimeInterval(3600)),
        ]
        for bad in tampered {
            let page = try await get(bad)
            #expect(page.status == 403, "\(bad)")
            #expect(page.text.contains("This link is not valid"))
            #expect(page.text.contains("call the Roch Events coordinator"))
        }
        #expect(try status() == "pending")
    }

    @Test func bumpingTheLinkVersionOrRevokingWithdrawsEarlierLinks() async throws {
        let old = token(version: 1)
        let newVersion = try context.database.withConnectionSync { try VendorRepository.bumpLinkVersion($0, id: caterer.id) }
        #expect(newVersion == 2)
        let refused = try await get(old)
        #expect(refused.status == 410)
        #expect(refused.text.contains("This link has been withdrawn"))
        #expect(try await get(token(version: 2)).status == 200)
        try context.database.withConnectionSync { try VendorRepository.revokeLinks($0, id: caterer.id) }
        #expect(try await get(token(version: 2)).status == 410)
        #expect(try await get(token(version: 1, id: 424_242)).status == 410, "a signed link to a deleted assignment")
    }

    @Test func otherMethodsAndBodiesGetClearRefusals() async throws {
        let t = token()
        let delete = await ErrorResponder.respond({ try await service.handle($0) }, to: Request(method: "DELETE", path: "/api/vendor/\(t)"))
        #expect(delete.status == 405)
        let json = await ErrorResponder.respond({ try await service.handle($0) }, to: TestApp.jsonPost("/api/vendor/\(t)", "{}"))
        #expect(json.status == 415)
        let form = csrf(in: try await get(t).text)!
        let cancel = try await post(t, [("csrf", form), ("status", "cancelled")])
        #expect(cancel.status == 422)
        #expect(cancel.text.contains("Choose “I confirm this booking” or “My work is delivered”."))
        #expect(cancel.text.contains("name=\"csrf\""), "the form is shown again")
        #expect(try await post(t, [("csrf", form), ("note", String(repeating: "x", count: 2001))]).status == 422)
        #expect(try await post(t, [("csrf", form), ("status", ""), ("note", "  ")]).text.contains("Write a note"))
        #expect(try status() == "pending")
    }
}
