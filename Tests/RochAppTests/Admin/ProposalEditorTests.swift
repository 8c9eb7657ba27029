import Foundation
import RochApp
import RochCore
import RochHTTP
import RochStore
import RochTestSupport
import Testing

/// The proposal editor (issue 16): lines, GST, the plan, the preview, save and send.
@Suite(.serialized)
struct ProposalEditorTests {
    static let lines: [(String, String)] = [
        ("line.1.service", "decor"), ("line.1.description", "Mandap and stage"), ("line.1.quantity", "1"), ("line.1.unit_price", "4,00,000"), ("line.1.gst_rate", "18"),
        ("line.2.service", "catering"), ("line.2.description", "Dinner, per plate"), ("line.2.quantity", "250"), ("line.2.unit_price", "1,200"),
        ("line.2.discount", "20,000"), ("line.2.gst_rate", "5"),
    ]
    // 4,00,000 + 18 % = 4,72,000; 250 × 1,200 − 20,000 = 2,80,000 + 5 % = 2,94,000; total 7,66,000.

    func post(_ w: AdminWorld, _ browser: AdminWorld.Browser, _ fields: [(String, String)], seen: String = "discussion", action: String) async -> Response {
        await w.post("/admin/bookings/\(w.bookingPublicID)/proposal", [("csrf", await w.csrf(browser)), ("state", seen), ("action", action)] + fields, browser)
    }

    static func count(_ w: AdminWorld, _ sql: String) throws -> Int {
        try w.sync { c in try c.query("SELECT (\(sql))::int AS n").first!.decode("n") }
    }

    @Test func savingADraftWithoutAPlanGivesTheStandardPlanAndAPreview() async throws {
        let w = try await AdminWorld()
        let browser = try await w.signedIn("arjun@rochevents.in")
        let r = await post(w, browser, Self.lines, action: "save")
        #expect(r.status == 303, "\(r.text)")
        let page = await w.get(r.headers["location"]!, browser)
        #expect(page.text.contains("The draft is saved."))
        #expect(page.text.contains("<strong>₹7,66,000</strong>"))
        #expect(page.text.contains("Deposit: ₹2,29,800, due Friday, 15 January 2027"))
        #expect(page.text.contains("Balance: ₹5,36,200, due Sunday, 7 February 2027"))
        #expect(page.text.contains("(less ₹20,000 discount)"))
        #expect(try Self.count(w, "SELECT count(*) FROM proposals WHERE status = 'draft'") == 1)
        #expect(try Self.count(w, "SELECT count(*) FROM notifications") == 0)  // a draft tells nobody
    }

    @Test func sendingWithAThreeMilestonePlanFiresSendProposalWithEveryParameter() async throws {
        let w = try await AdminWorld()
        let browser = try await w.signedIn("arjun@rochevents.in")
        let plan: [(String, String)] = [("milestone.1.label", "Deposit"), ("milestone.1.amount", "2,00,000"), ("milestone.1.due_on", "2027-01-15"),
                                        ("milestone.2.label", "Second"), ("milestone.2.amount", "3,00,000"), ("milestone.2.due_on", "2027-01-30"),
                                        ("milestone.3.label", "Balance"), ("milestone.3.amount", "2,66,000"), ("milestone.3.due_on", "2027-02-07")]
        let r = await post(w, browser, Self.lines + plan, action: "send")
        #expect(r.status == 303, "\(r.text)")
        #expect(r.headers["location"] == "/admin/bookings/\(w.bookingPublicID)?done=send_proposal")
        let state: String = try w.sync { c in try c.query("SELECT state FROM bookings").first!.decode("state") }
        #expect(state == "proposal_sent")
        let rules = try w.sync { c in try c.query("SELECT due_rule FROM payment_milestones ORDER BY sequence").map { try $0.decode("due_rule", as: String.self) } }
        #expect(rules == ["on_acceptance", "on:2027-01-30", "days_before_event:7"])
        #expect(try Self.count(w, "SELECT sum(amount_paise) FROM payment_milestones") == 7_66_000_00)
        #expect(try Self.count(w, "SELECT count(*) FROM proposals WHERE status = 'sent' AND sent_at IS NOT NULL AND jsonb_array_length(lines) = 2") == 1)
        let sent = try w.sync { c in
            try c.query("SELECT recipient_role, parameters::text AS p FROM notifications WHERE moment = 'proposal_sent'").map {
                (try $0.decode("recipient_role", as: String.self),
                 try JSONSerialization.jsonObject(with: Data(try $0.decode("p", as: String.self).utf8)) as! [String: String])
            }
        }
        #expect(Set(sent.map(\.0)) == ["client", "coordinator"])
        for (role, p) in sent {
            for key in NotificationCatalogue.parameters[.proposalSent]! { #expect(p[key]?.isEmpty == false, "\(role): \(key)") }
            #expect(p["total_amount"] == "₹7,66,000")
        }
        #expect(try Self.count(w, "SELECT count(*) FROM jobs WHERE kind = 'create_payment_link'") == 1)
        let audit = try w.sync { c in try AuditLogQueries.search(c, AuditFilter(actor: "staff:\(w.coordinatorID)")).rows.map(\.action) }
        #expect(audit.contains("staff.proposal_saved"))
        // Sent: the editor offers a revision instead of a draft.
        let editor = await w.get("/admin/bookings/\(w.bookingPublicID)/proposal", browser).text
        #expect(editor.contains("Revise the proposal") && editor.contains("value=\"revise\"") && !editor.contains("value=\"send\""))
    }

    @Test func badInputIsRefusedOnItsFieldAndWritesNothing() async throws {
        let w = try await AdminWorld()
        let browser = try await w.signedIn("arjun@rochevents.in")
        let bad = Self.lines.map { $0.0 == "line.2.quantity" ? ($0.0, "many") : $0 } + [
            ("milestone.1.label", "Deposit"), ("milestone.1.amount", "1,00,000"), ("milestone.1.due_on", "2027-03-01")]
        let r = await post(w, browser, bad, action: "send")
        #expect(r.status == 422)
        #expect(r.text.contains("id=\"line-2-quantity-error\""))
        #expect(r.text.contains("id=\"milestone-1-due_on-error\""))
        #expect(r.text.contains("value=\"many\""))
        let unbalanced = await post(w, browser, Self.lines + [("milestone.1.label", "All"), ("milestone.1.amount", "7,65,999.99"), ("milestone.1.due_on", "2027-01-20")], action: "send")
        #expect(unbalanced.status == 422)
        #expect(unbalanced.text.contains("add ₹0.01"))
        #expect(try Self.count(w, "SELECT count(*) FROM proposals") == 0)
        #expect(try Self.count(w, "SELECT count(*) FROM notifications") == 0)
        #expect(try Self.count(w, "SELECT count(*) FROM booking_transitions") == 0)
    }

    @Test func aStaleEditorAnswers409AndWritesNothing() async throws {
        let w = try await AdminWorld()
        let browser = try await w.signedIn("arjun@rochevents.in")
        let r = await post(w, browser, Self.lines, seen: "enquiry", action: "send")
        #expect(r.status == 409)
        #expect(r.text.contains("this booking is now Discussion, not Enquiry"))
        #expect(try Self.count(w, "SELECT count(*) FROM proposals") == 0)
        let other = try await w.signedIn("kavya@rochevents.in")
        #expect(await post(w, other, Self.lines, action: "save").status == 403)
        #expect(try Self.count(w, "SELECT count(*) FROM proposals") == 0)
    }
}
