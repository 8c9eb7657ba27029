import Foundation
import RochApp
import RochCore
import RochHTTP
import RochStore
import RochTestSupport
import Testing

/// "Edit terms" on a booking's vendors page (issue 17): an assignment's terms change after it is
/// made, within what money has already moved, audited, with the client and the overdue plan kept right.
@Suite(.serialized)
struct VendorTermsTests {
    func change(_ w: AdminWorld, _ b: AdminWorld.Browser, _ fields: [(String, String)]) async -> Response {
        await w.post("/admin/bookings/\(w.bookingPublicID)/vendors/change", [("csrf", await w.csrf(b))] + fields, b)
    }

    /// Every field of the form, as the page fills it, with `changes` applied.
    static func terms(_ a: Int64, _ changes: [String: String] = [:]) -> [(String, String)] {
        var f = ["role": "Caterer", "deliverable": "Dinner for 250", "milestone_date": "2027-02-10", "milestone_text": "", "amount_agreed": "50000",
                 "advance_amount": "10000", "advance_due_on": "2027-01-01", "balance_due_on": "2027-02-01", "notes": "", "client_visible": "1"]
        for (k, v) in changes { f[k] = v }
        return [("action", "terms"), ("assignment", String(a))] + f.sorted { $0.key < $1.key }.map { ($0.key, $0.value) }
    }

    static func queuedOverdue(_ w: AdminWorld) throws -> [String] {
        try w.sync { c in
            try c.query("""
                SELECT parameters->>'due_date' AS due FROM notifications
                WHERE moment = 'vendor_payment_overdue' AND channel = 'email' AND status = 'queued' ORDER BY id
                """).map { try $0.decode("due", as: String.self) }
        }
    }

    @Test func afterTheAdvanceIsPaidOnlyTheUnpaidBalanceMayChangeAndTheOverduePlanFollows() async throws {
        let w = try await AdminWorld()
        let owner = try await w.signedIn("riya@rochevents.in")
        let a = try await VendorDeskTests.assign(w, owner, vendor: try await VendorDeskTests.addVendor(w, owner, name: "Sharma Caterers", category: "caterer"),
                                                 role: "Caterer", agreed: "50,000", advance: "10,000")
        let accounts = try await w.signedIn("sahil@rochevents.in")
        let paid = await w.post("/admin/bookings/\(w.bookingPublicID)/vendors/payment", [
            ("csrf", await w.csrf(accounts)), ("assignment", String(a)), ("amount", "10,000"), ("method", "upi"), ("paid_on", "2026-12-01")], accounts)
        #expect(paid.status == 303)
        #expect(try Self.queuedOverdue(w) == ["Monday, 1 February 2027"])

        let advance = await change(w, owner, Self.terms(a, ["advance_amount": "12000", "advance_due_on": "2027-01-05"]))
        #expect(advance.status == 422)
        #expect(advance.text.contains("The advance of ₹10,000 is paid; it cannot change."))
        #expect(advance.text.contains("The advance is paid; its due date stays 2027-01-01."))
        #expect(advance.text.contains("aria-describedby=\"t-advance-amount-\(a)-error\""))
        let below = await change(w, owner, Self.terms(a, ["amount_agreed": "5000", "advance_amount": "5000"]))
        #expect(below.status == 422 && below.text.contains("₹10,000 has already been paid to the vendor; the agreed amount cannot be less."))

        let saved = await change(w, owner, Self.terms(a, ["role": "Head caterer", "amount_agreed": "60,000", "balance_due_on": "2027-02-15",
                                                          "notes": "Jain menu for 40"]))
        #expect(saved.status == 303 && saved.headers["location"]?.hasSuffix("?notice=terms#a\(a)") == true)
        let stored = try w.sync { c in (try VendorRepository.assignment(c, id: a)!, try VendorDesk.terms(c, assignmentID: a)!) }
        #expect(stored.0.role == "Head caterer" && stored.0.amountAgreed == Money(rupees: 60_000) && stored.0.paymentDueOn == CalendarDay("2027-02-15"))
        #expect(stored.1.notes == "Jain menu for 40" && stored.1.schedule.advance == Money(rupees: 10_000))
        // the message planned for the old balance date is withdrawn, one for the new date waits
        #expect(try Self.queuedOverdue(w) == ["Monday, 15 February 2027"])
        let audit = try w.sync { c in
            try c.query("SELECT actor, details::text AS details FROM audit_log WHERE action = 'vendor.terms_changed' AND entity_id = $1", String(a))
                .map { (try $0.decode("actor", as: String.self), try $0.decode("details", as: String.self)) }
        }
        #expect(audit.count == 1, "the two refusals wrote nothing")
        #expect(audit.first?.0 == "staff:\(w.ownerID)")
        for fragment in ["\"amount_agreed_paise.before\": \"5000000\"", "\"amount_agreed_paise.after\": \"6000000\"",
                         "\"role.before\": \"Caterer\"", "\"role.after\": \"Head caterer\"", "\"balance_due_on.after\": \"2027-02-15\""] {
            #expect(audit.first?.1.contains(fragment) == true, "\(fragment) in \(audit.first?.1 ?? "")")
        }
        #expect(audit.first?.1.contains("advance_paise") == false, "unchanged fields are not listed")
        let page = await w.get("/admin/bookings/\(w.bookingPublicID)/vendors", owner)
        #expect(page.text.contains("Agreed ₹60,000, paid ₹10,000, outstanding ₹50,000"))
    }

    @Test func aFullyPaidAssignmentKeepsItsAmountAndBalanceDate() async throws {
        let w = try await AdminWorld()
        let owner = try await w.signedIn("riya@rochevents.in")
        let a = try await VendorDeskTests.assign(w, owner, vendor: try await VendorDeskTests.addVendor(w, owner, name: "Candid Frames", category: "photographer"),
                                                 role: "Caterer", agreed: "50,000", advance: "10,000")
        let accounts = try await w.signedIn("sahil@rochevents.in")
        #expect(await w.post("/admin/bookings/\(w.bookingPublicID)/vendors/payment", [
            ("csrf", await w.csrf(accounts)), ("assignment", String(a)), ("amount", "50,000"), ("method", "upi"), ("paid_on", "2026-12-01")], accounts).status == 303)
        let r = await change(w, owner, Self.terms(a, ["amount_agreed": "55000", "balance_due_on": "2027-02-02"]))
        #expect(r.status == 422 && r.text.contains("The balance of ₹40,000 is paid; the agreed amount cannot change."))
        #expect(r.text.contains("The balance is paid; its due date stays 2027-02-01."))
        // the words and notes may still change
        #expect(await change(w, owner, Self.terms(a, ["notes": "Album delivered"])).status == 303)
        #expect(try w.sync { c in try VendorRepository.assignment(c, id: a)!.amountAgreed } == Money(rupees: 50_000))
    }

    @Test func aNewMilestoneDateShowsTheConflictAndNewWordsReachTheClient() async throws {
        let w = try await AdminWorld()
        let owner = try await w.signedIn("riya@rochevents.in")
        let caterer = try await VendorDeskTests.assign(w, owner, vendor: try await VendorDeskTests.addVendor(w, owner, name: "Sharma Caterers", category: "caterer"), role: "Caterer")
        let decorator = try await VendorDeskTests.assign(w, owner, vendor: try await VendorDeskTests.addVendor(w, owner, name: "Marigold Decor", category: "decorator"), role: "Decorator")
        #expect(await change(w, owner, [("action", "depend"), ("dependent", String(decorator)), ("required", String(caterer))]).status == 303)
        #expect(await change(w, owner, [("action", "status"), ("assignment", String(caterer)), ("expected", "pending"), ("status", "confirmed"),
                                        ("milestone_text", "Caterer booked"), ("milestone_date", "2027-02-10")]).status == 303)
        let before = await w.get("/admin/bookings/\(w.bookingPublicID)/vendors", owner)
        #expect(!before.text.contains("<strong>Conflict:</strong>"))

        let r = await change(w, owner, Self.terms(caterer, ["milestone_date": "2027-02-20", "milestone_text": "Tasting on 20 February"]))
        #expect(r.status == 303)
        let after = await w.get("/admin/bookings/\(w.bookingPublicID)/vendors", owner)
        #expect(after.text.contains("<strong>Conflict:</strong> Decorator is due on 2027-02-10 but waits on Caterer, due later on 2027-02-20"))
        let timeline = try w.sync { c in try c.query("SELECT title FROM portal_events WHERE kind = 'vendor' ORDER BY id").map { try $0.decode("title", as: String.self) } }
        #expect(timeline == ["Caterer booked", "Tasting on 20 February"])
        // moving it back clears the conflict; the status is untouched by a terms edit
        #expect(await change(w, owner, Self.terms(caterer, ["milestone_date": "2027-02-05", "milestone_text": "Tasting on 20 February"])).status == 303)
        let back = await w.get("/admin/bookings/\(w.bookingPublicID)/vendors", owner)
        #expect(!back.text.contains("<strong>Conflict:</strong>"))
        #expect(try w.sync { c in try VendorRepository.assignment(c, id: caterer)!.status } == .confirmed)
    }

    @Test func badTermsAreRefusedOnTheirFieldsAndNothingIsWritten() async throws {
        let w = try await AdminWorld()
        let owner = try await w.signedIn("riya@rochevents.in")
        let a = try await VendorDeskTests.assign(w, owner, vendor: try await VendorDeskTests.addVendor(w, owner, name: "Sharma Caterers", category: "caterer"), role: "Caterer")
        let before = try w.sync { c in try VendorDesk.terms(c, assignmentID: a)! }
        let cases: [([String: String], String, String)] = [
            (["role": "  "], "role", "Say what they do here, e.g. Caterer."),
            (["milestone_date": "10/02/2027"], "milestone-date", "Enter a date like 2027-02-14."),
            (["amount_agreed": "fifty"], "amount-agreed", "Enter rupees, e.g. 1,20,000."),
            (["advance_amount": "60000"], "advance-amount", "The advance (₹60,000) is more than the agreed ₹50,000."),
            (["balance_due_on": "2026-12-01"], "balance-due-on", "The balance cannot fall due before the advance (2027-01-01)."),
            (["advance_due_on": ""], "advance-due-on", "Say when the advance is due."),
            (["milestone_text": String(repeating: "x", count: 301)], "milestone-text", "Keep this under 300 characters."),
        ]
        for (changes, field, message) in cases {
            let r = await change(w, owner, Self.terms(a, changes.merging(["notes": "should not be saved"]) { x, _ in x }))
            #expect(r.status == 422, "\(changes)")
            #expect(r.text.contains("<p id=\"t-\(field)-\(a)-error\" class=\"admin-field-error\">\(message.replacingOccurrences(of: "'", with: "&#39;"))</p>"),
                    "\(field): \(r.text.prefix(300))")
            #expect(r.text.contains("<details class=\"admin-details\" open>"), "the refused form stays open")
        }
        #expect(try w.sync { c in try VendorDesk.terms(c, assignmentID: a)! } == before)
        #expect(try w.sync { c in try c.query("SELECT count(*) AS n FROM audit_log WHERE action = 'vendor.terms_changed'").first!.decode("n", as: Int64.self) } == 0)
        // an assignment of another booking, or none
        let stranger = await change(w, owner, Self.terms(999_999))
        #expect(stranger.status == 422 && stranger.text.contains("That assignment is not on this booking."))
    }

    @Test func onlyTheBookingsCoordinatorAndManagersMayEditTerms() async throws {
        let w = try await AdminWorld()
        let owner = try await w.signedIn("riya@rochevents.in")
        let a = try await VendorDeskTests.assign(w, owner, vendor: try await VendorDeskTests.addVendor(w, owner, name: "Sharma Caterers", category: "caterer"), role: "Caterer")
        let accounts = try await w.signedIn("sahil@rochevents.in")
        let kavya = try await w.signedIn("kavya@rochevents.in")
        for b in [accounts, kavya] {
            #expect(await change(w, b, Self.terms(a, ["amount_agreed": "90000"])).status == 403)
        }
        let page = await w.get("/admin/bookings/\(w.bookingPublicID)/vendors", accounts)
        #expect(page.status == 200 && !page.text.contains("Edit terms"))
        let arjun = try await w.signedIn("arjun@rochevents.in")
        #expect(await change(w, arjun, Self.terms(a, ["amount_agreed": "90000"])).status == 303)
        #expect(try w.sync { c in try VendorRepository.assignment(c, id: a)!.amountAgreed } == Money(rupees: 90_000))
    }
}
