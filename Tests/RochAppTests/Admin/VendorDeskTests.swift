import Foundation
import RochApp
import RochCore
import RochHTTP
import RochStore
import RochTestSupport
import Testing

/// The vendors desk through the admin function in-process (issue 17): the directory, a booking's
/// vendors (assign, wait on, loops, status, remove), payments, and who may do which.
@Suite(.serialized)
struct VendorDeskTests {
    static let upi = "marigold.decor@okhdfc"

    /// Adds a vendor through the form; returns its id.
    static func addVendor(_ w: AdminWorld, _ b: AdminWorld.Browser, name: String, category: String, extra: [(String, String)] = []) async throws -> Int64 {
        let r = await w.post("/admin/vendors/new", [("csrf", await w.csrf(b)), ("name", name), ("category", category), ("city", "Mysuru")] + extra, b)
        guard r.status == 303, let location = r.headers["location"], let id = Int64(location.split(separator: "/").last!.split(separator: "?")[0]) else {
            throw AdminWorld.Failure("adding \(name) answered \(r.status): \(r.text.prefix(500))")
        }
        return id
    }

    static func assign(_ w: AdminWorld, _ b: AdminWorld.Browser, vendor: Int64, role: String, agreed: String = "50,000", advance: String = "10,000") async throws -> Int64 {
        let r = await w.post("/admin/bookings/\(w.bookingPublicID)/vendors/change", [
            ("csrf", await w.csrf(b)), ("action", "assign"), ("vendor_id", String(vendor)), ("role", role), ("milestone_date", "2027-02-10"),
            ("amount_agreed", agreed), ("advance_amount", advance), ("advance_due_on", "2027-01-01"), ("balance_due_on", "2027-02-01"),
            ("client_visible", "1")], b)
        guard r.status == 303, let location = r.headers["location"], let hash = location.split(separator: "#").last, let id = Int64(hash.dropFirst()) else {
            throw AdminWorld.Failure("assigning \(role) answered \(r.status): \(r.text.prefix(500))")
        }
        return id
    }

    func change(_ w: AdminWorld, _ b: AdminWorld.Browser, _ fields: [(String, String)]) async -> Response {
        await w.post("/admin/bookings/\(w.bookingPublicID)/vendors/change", [("csrf", await w.csrf(b))] + fields, b)
    }

    /// The decorator waits on the caterer's menu: the caterer delivering it ("Menu confirmed") unblocks the decorator.
    @Test func aLoopIsRefusedInWordsAndConfirmingTheCatererUnblocksTheDecorator() async throws {
        let w = try await AdminWorld()
        let owner = try await w.signedIn("riya@rochevents.in")
        let caterer = try await Self.assign(w, owner, vendor: try await Self.addVendor(w, owner, name: "Sharma Caterers", category: "caterer"), role: "Caterer")
        let decorator = try await Self.assign(w, owner, vendor: try await Self.addVendor(w, owner, name: "Marigold Decor", category: "decorator"), role: "Decorator")
        let florist = try await Self.assign(w, owner, vendor: try await Self.addVendor(w, owner, name: "Bloom & Petal", category: "florist"), role: "Florist")
        #expect(await change(w, owner, [("action", "depend"), ("dependent", String(decorator)), ("required", String(caterer))]).status == 303)
        #expect(await change(w, owner, [("action", "depend"), ("dependent", String(florist)), ("required", String(decorator))]).status == 303)

        let loop = await change(w, owner, [("action", "depend"), ("dependent", String(caterer)), ("required", String(florist))])
        #expect(loop.status == 409)
        #expect(loop.text.contains("Refused: that would make a loop. Caterer (Sharma Caterers) waits on Florist (Bloom &amp; Petal), which waits on Decorator (Marigold Decor), which waits on Caterer (Sharma Caterers)."))
        #expect(try w.sync { c in try VendorRepository.dependencies(c, bookingID: try BookingRepository.find(c, publicID: w.bookingPublicID)!.id) }.count == 2)

        let page = await w.get("/admin/bookings/\(w.bookingPublicID)/vendors", owner)
        #expect(page.status == 200)
        #expect(page.text.contains("<svg"))
        #expect(page.text.contains("<strong>Blocked:</strong> Decorator waits on Caterer: not confirmed yet"))
        #expect(page.text.contains("Critical path</span>"))

        let confirm = await change(w, owner, [("action", "status"), ("assignment", String(caterer)), ("expected", "pending"), ("status", "delivered"),
                                               ("milestone_text", "Menu confirmed"), ("milestone_date", "2027-02-01")])
        #expect(confirm.status == 303)
        let after = await w.get("/admin/bookings/\(w.bookingPublicID)/vendors", owner)
        #expect(!after.text.contains("Blocked:</strong> Decorator"))
        #expect(after.text.contains("Blocked:</strong> Florist waits on Decorator"))
        let timeline = try w.sync { c in try c.query("SELECT title FROM portal_events WHERE kind = 'vendor' ORDER BY id").map { try $0.decode("title", as: String.self) } }
        #expect(timeline == ["Menu confirmed"])

        // Others wait on the decorator: it cannot be removed, and says why.
        let remove = await change(w, owner, [("action", "remove"), ("assignment", String(decorator))])
        #expect(remove.status == 409 && remove.text.contains("Decorator cannot be removed: Florist waits on it"))
    }

    @Test func aPaymentBeyondWhatIsOwedIsRefusedUnlessMarkedAndMovesTheDueDate() async throws {
        let w = try await AdminWorld()
        let owner = try await w.signedIn("riya@rochevents.in")
        let a = try await Self.assign(w, owner, vendor: try await Self.addVendor(w, owner, name: "Candid Frames", category: "photographer"),
                                      role: "Photographer", agreed: "40,000", advance: "10,000")
        let accounts = try await w.signedIn("sahil@rochevents.in")
        func pay(_ amount: String, over: Bool = false) async -> Response {
            await w.post("/admin/bookings/\(w.bookingPublicID)/vendors/payment", [
                ("csrf", await w.csrf(accounts)), ("assignment", String(a)), ("amount", amount), ("method", "upi"), ("reference", "UTR123"),
                ("paid_on", "2026-12-01")] + (over ? [("overpayment", "1")] : []), accounts)
        }
        let tooMuch = await pay("45,000")
        #expect(tooMuch.status == 422 && tooMuch.text.contains("is more than the ₹40,000 outstanding"))
        #expect(await pay("10,000").status == 303)
        let due = try w.sync { c in try VendorRepository.assignment(c, id: a)! }
        #expect(due.amountPaid == Money(rupees: 10_000) && due.paymentDueOn == CalendarDay("2027-02-01"))
        // the coordinator's overdue message waits for the morning after the balance date, the advance's was withdrawn
        let overdue = try w.sync { c in
            try c.query("""
                SELECT status, parameters->>'due_date' AS due, (due_at AT TIME ZONE 'Asia/Kolkata')::text AS at FROM notifications
                WHERE moment = 'vendor_payment_overdue' AND channel = 'email' ORDER BY id
                """).map { [try $0.decode("status", as: String.self), try $0.decode("due", as: String.self), try $0.decode("at", as: String.self)] }
        }
        #expect(overdue == [["cancelled", "Friday, 1 January 2027", "2027-01-02 10:00:00"], ["queued", "Monday, 1 February 2027", "2027-02-02 10:00:00"]])
        #expect(await pay("31,000", over: true).status == 303)
        #expect(try w.sync { c in try c.query("SELECT count(*) AS n FROM notifications WHERE moment = 'vendor_payment_overdue' AND status = 'queued'").first!.decode("n", as: Int64.self) } == 0)
        let csv = await w.get("/admin/vendors/payments.csv", accounts)
        #expect(csv.status == 200 && csv.headers["content-type"]?.hasPrefix("text/csv") == true)
        #expect(csv.text.contains("2026-12-01,Candid Frames,Photographer,\(w.bookingPublicID),"))
        #expect(csv.text.contains("10000.00,upi,UTR123,no,staff:\(w.accountsID)"))
        #expect(csv.text.contains("31000.00,upi,UTR123,yes,"))
        // money has moved: the assignment stays on the books
        let remove = await change(w, owner, [("action", "remove"), ("assignment", String(a))])
        #expect(remove.status == 409 && remove.text.contains("has been paid to the vendor"))
    }

    @Test func aCoordinatorCannotSeeBankDetailsOrRecordPayouts() async throws {
        let w = try await AdminWorld()
        let owner = try await w.signedIn("riya@rochevents.in")
        let vendor = try await Self.addVendor(w, owner, name: "Marigold Decor", category: "decorator",
                                              extra: [("payout_method", "upi"), ("payout_upi", Self.upi)])
        let ownerPage = await w.get("/admin/vendors/\(vendor)", owner)
        #expect(ownerPage.text.contains(Self.upi), "\(ownerPage.status) \(ownerPage.text)")
        let a = try await Self.assign(w, owner, vendor: vendor, role: "Decorator")

        let coordinator = try await w.signedIn("arjun@rochevents.in")
        let page = await w.get("/admin/vendors/\(vendor)", coordinator)
        #expect(page.status == 200 && !page.text.contains(Self.upi) && !page.text.contains("Payout details"))
        let payout = await w.post("/admin/vendors/\(vendor)/payout", [("csrf", await w.csrf(coordinator)), ("payout_method", "upi"), ("payout_upi", "thief@okaxis")], coordinator)
        #expect(payout.status == 403)
        let pay = await w.post("/admin/bookings/\(w.bookingPublicID)/vendors/payment", [
            ("csrf", await w.csrf(coordinator)), ("assignment", String(a)), ("amount", "1000"), ("method", "cash"), ("paid_on", "2026-12-01")], coordinator)
        #expect(pay.status == 403 && pay.text.contains("A coordinator may not record payments"))
        let stored = try w.sync { c in (try VendorDirectory.find(c, id: vendor)!.profile.payout?.upi, try VendorRepository.assignment(c, id: a)!.amountPaid) }
        #expect(stored.0 == Self.upi && stored.1 == .zero)
        // A coordinator's edit of the profile keeps the payout details they cannot see.
        let edit = await w.post("/admin/vendors/\(vendor)/edit", [("csrf", await w.csrf(coordinator)), ("name", "Marigold Decor & Lights"), ("category", "decorator")], coordinator)
        #expect(edit.status == 303)
        #expect(try w.sync { c in try VendorDirectory.find(c, id: vendor)!.profile.payout?.upi } == Self.upi)
    }

    @Test func accountsCannotChangeTheGraph() async throws {
        let w = try await AdminWorld()
        let owner = try await w.signedIn("riya@rochevents.in")
        let caterer = try await Self.assign(w, owner, vendor: try await Self.addVendor(w, owner, name: "Sharma Caterers", category: "caterer"), role: "Caterer")
        let decorator = try await Self.assign(w, owner, vendor: try await Self.addVendor(w, owner, name: "Marigold Decor", category: "decorator"), role: "Decorator")
        let accounts = try await w.signedIn("sahil@rochevents.in")
        for fields in [[("action", "depend"), ("dependent", String(decorator)), ("required", String(caterer))],
                       [("action", "status"), ("assignment", String(caterer)), ("status", "confirmed")],
                       [("action", "remove"), ("assignment", String(caterer))]] {
            let r = await change(w, accounts, fields)
            #expect(r.status == 403 && r.text.contains("An accounts may not change vendor assignments") || r.text.contains("may not change vendor assignments"))
        }
        let page = await w.get("/admin/bookings/\(w.bookingPublicID)/vendors", accounts)
        #expect(page.status == 200 && !page.text.contains("Add dependency") && page.text.contains("Record a payment"))
        let state = try w.sync { c in
            let id = try BookingRepository.find(c, publicID: w.bookingPublicID)!.id
            return (try VendorRepository.dependencies(c, bookingID: id).count, try VendorRepository.assignments(c, bookingID: id).map(\.status))
        }
        #expect(state.0 == 0 && state.1 == [.pending, .pending])
        // and another coordinator may look but not change this booking's vendors
        let kavya = try await w.signedIn("kavya@rochevents.in")
        let r = await change(w, kavya, [("action", "depend"), ("dependent", String(decorator)), ("required", String(caterer))])
        #expect(r.status == 403 && r.text.contains("only on bookings you coordinate"))
    }

    @Test func badVendorDetailsAreRefusedOnTheFieldAndNothingIsWritten() async throws {
        let w = try await AdminWorld()
        let owner = try await w.signedIn("riya@rochevents.in")
        let r = await w.post("/admin/vendors/new", [("csrf", await w.csrf(owner)), ("name", "Rhythm House"), ("category", "entertainment"),
                                                    ("gstin", "27AAPFU0939F1ZX"), ("pan", "AAPF0939F"), ("phone", "12"), ("payout_ifsc", "HDFC1234567")], owner)
        #expect(r.status == 422)
        for text in ["last character does not match", "A PAN is five letters", "Enter a phone number like", "An IFSC is 11 characters"] {
            #expect(r.text.contains(text), "missing: \(text)")
        }
        #expect(r.text.contains("aria-invalid=\"true\" aria-describedby=\"v-gstin-error\""))
        #expect(try w.sync { c in try c.query("SELECT count(*) AS n FROM vendors").first!.decode("n", as: Int64.self) } == 0)
        let bad = await w.post("/admin/bookings/\(w.bookingPublicID)/vendors/change", [("csrf", await w.csrf(owner)), ("action", "assign"), ("vendor_id", "x"),
                                                                                      ("role", ""), ("amount_agreed", "10,000"), ("advance_amount", "20,000")], owner)
        #expect(bad.status == 422 && bad.text.contains("The advance (₹20,000) is more than the agreed ₹10,000."))
        #expect(await w.get("/admin/vendors/12x", owner).status == 404)
        #expect(await w.get("/admin/vendors/new", owner).status == 405)
        #expect(await w.get("/admin/vendors/999", owner).status == 404)
    }

    @Test func aVendorIsSentTheirLinkAnyTimeAndTheCoordinatorHearsOfAnUnblock() async throws {
        let w = try await AdminWorld(environment: ["VENDOR_LINK_SECRET": String(repeating: "k", count: 40)])
        let owner = try await w.signedIn("riya@rochevents.in")
        let caterer = try await Self.assign(w, owner, vendor: try await Self.addVendor(w, owner, name: "Sharma Caterers", category: "caterer",
                                                                                        extra: [("phone", "94140 00102")]), role: "Caterer")
        let decorator = try await Self.assign(w, owner, vendor: try await Self.addVendor(w, owner, name: "Marigold Decor", category: "decorator"), role: "Decorator")
        // no phone, no email: refused in words
        let noContact = await change(w, owner, [("action", "sendlink"), ("assignment", String(decorator))])
        #expect(noContact.status == 409 && noContact.text.contains("Marigold Decor has no phone number or email"))
        #expect(await change(w, owner, [("action", "revoke"), ("assignment", String(caterer))]).status == 303)
        #expect(await change(w, owner, [("action", "sendlink"), ("assignment", String(caterer))]).status == 303)
        let sent = try w.sync { c in
            try c.query("SELECT recipient_role, channel, parameters->>'update_link' AS link FROM notifications WHERE moment = 'vendor_link_sent'").map {
                (try $0.decode("recipient_role", as: String.self), try $0.decode("link", as: String.self))
            }
        }
        #expect(sent.map(\.0) == ["vendor"])
        #expect(sent.first?.1.contains("/api/vendor/\(caterer).") == true)
        let record = try w.sync { c in try VendorRepository.assignment(c, id: caterer)! }
        #expect(record.linkVersion == 2 && record.linkRevokedAt == nil)  // the revoked links stay dead; the new one works

        #expect(await change(w, owner, [("action", "depend"), ("dependent", String(decorator)), ("required", String(caterer))]).status == 303)
        #expect(await change(w, owner, [("action", "status"), ("assignment", String(caterer)), ("status", "delivered"), ("milestone_text", "Menu confirmed")]).status == 303)
        let unblocked = try w.sync { c in
            try c.query("SELECT recipient_role FROM notifications WHERE moment = 'vendor_unblocked'").map { try $0.decode("recipient_role", as: String.self) }
        }
        #expect(!unblocked.isEmpty && Set(unblocked) == ["coordinator"])
    }
}
