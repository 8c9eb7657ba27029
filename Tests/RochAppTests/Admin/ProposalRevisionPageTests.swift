import Foundation
import RochApp
import RochCore
import RochHTTP
import RochStore
import RochTestSupport
import Testing

/// Revising a sent proposal from the editor (issue 16): the old one is kept superseded, paid
/// milestones are locked, the unpaid ones replaced with their links cancelled, the client told.
@Suite(.serialized)
struct ProposalRevisionPageTests {
    let editor = ProposalEditorTests()
    static let plan: [(String, String)] = [("milestone.1.label", "Deposit"), ("milestone.1.amount", "2,00,000"), ("milestone.1.due_on", "2027-01-15"),
                                           ("milestone.2.label", "Balance"), ("milestone.2.amount", "5,66,000"), ("milestone.2.due_on", "2027-02-07")]

    /// Sent with a deposit and a balance, the deposit paid, the balance's link live.
    func sentAndDepositPaid(_ w: AdminWorld, _ browser: AdminWorld.Browser) async throws {
        let r = await editor.post(w, browser, ProposalEditorTests.lines + Self.plan, action: "send")
        #expect(r.status == 303, "\(r.text)")
        _ = try w.sync { c in
            try c.execute("UPDATE bookings SET state = 'deposit_paid'")
            try c.execute("UPDATE payment_milestones SET status = 'paid', amount_paid_paise = amount_paise, paid_at = now() WHERE sequence = 1")
            try c.execute("""
                INSERT INTO payment_links (milestone_id, attempt, reference_id, razorpay_link_id, short_url, amount_paise, status)
                SELECT id, 1, public_id, 'plink_balance', 'https://rzp.io/i/bal', amount_paise, 'created' FROM payment_milestones WHERE sequence = 2
                """)
            try c.execute("UPDATE payment_milestones SET status = 'link_issued' WHERE sequence = 2")
        }
    }

    static func strings(_ w: AdminWorld, _ sql: String) throws -> [String] {
        try w.sync { c in try c.query(sql).map { try $0.decode("v", as: String.self) } }
    }

    @Test func revisingAfterTheDepositKeepsItLockedReplacesTheBalanceAndTellsTheClient() async throws {
        let w = try await AdminWorld()
        let browser = try await w.signedIn("arjun@rochevents.in")
        #expect(!(await w.get("/admin/bookings/\(w.bookingPublicID)", browser)).text.contains("Revise the proposal"))   // nothing sent yet
        try await sentAndDepositPaid(w, browser)
        #expect(await w.get("/admin/bookings/\(w.bookingPublicID)", browser).text.contains("Revise the proposal and payment plan"))
        #expect(await w.get("/admin/bookings/\(w.bookingPublicID)/proposal", browser).text.contains("Milestone 1 (paid: locked, it cannot be changed)"))
        let before = try Self.strings(w, "SELECT count(*)::text AS v FROM notifications")
        // A bigger catering line; the balance split in two.
        let lines = ProposalEditorTests.lines.map { $0.0 == "line.2.quantity" ? ($0.0, "300") : $0 }   // + 50 plates: 2,94,000 -> 3,57,000
        let revised: [(String, String)] = [("milestone.1.label", "Deposit"), ("milestone.1.amount", "2,00,000"), ("milestone.1.due_on", "2027-01-15"),
                                           ("milestone.2.label", "Second instalment"), ("milestone.2.amount", "3,00,000"), ("milestone.2.due_on", "2027-01-30"),
                                           ("milestone.3.label", "Balance"), ("milestone.3.amount", "3,29,000"), ("milestone.3.due_on", "2027-02-07")]
        let r = await editor.post(w, browser, lines + revised, seen: "deposit_paid", action: "revise")
        #expect(r.status == 303, "\(r.text)")
        #expect(await w.get(r.headers["location"]!, browser).text.contains("The revised proposal is sent"))

        // The old proposal is kept, superseded; the revision is sent.
        #expect(try Self.strings(w, "SELECT status || ' ' || total_paise AS v FROM proposals ORDER BY id") == ["superseded 76600000", "sent 82900000"])
        // The paid deposit moved to the revision unchanged; the old balance is cancelled; two new milestones.
        let plan = try Self.strings(w, """
            SELECT p.status || ' #' || m.sequence || ' ' || m.label || ' ' || m.amount_paise || ' ' || m.status AS v
            FROM payment_milestones m JOIN proposals p ON p.id = m.proposal_id ORDER BY m.id
            """)
        #expect(plan == ["sent #1 Deposit 20000000 paid", "superseded #2 Balance 56600000 cancelled",
                         "sent #2 Second instalment 30000000 pending", "sent #3 Balance 32900000 pending"])
        // The old balance's live link is cancelled through the payments desk; the due links are issued; the PDF queued.
        #expect(try Self.strings(w, "SELECT kind AS v FROM jobs WHERE kind IN ('cancel_payment_links', 'issue_proposal_document') OR payload->>'milestones' = 'remaining' ORDER BY id")
                == ["issue_proposal_document", "cancel_payment_links", "create_payment_link", "issue_proposal_document"])
        // The client sees it live, and is told with every parameter.
        let entry = try Self.strings(w, "SELECT title || ': ' || body AS v FROM portal_events ORDER BY id DESC LIMIT 1")
        #expect(entry == ["Your proposal was revised: The revised proposal's total is ₹8,29,000; the ₹2,00,000 you have paid is counted, ₹6,29,000 is still to pay. It replaces the earlier proposal."])
        let told = try w.sync { c in
            try c.query("SELECT recipient_role, parameters::text AS p FROM notifications WHERE moment = 'proposal_sent' AND idempotency_key LIKE '%revision:%'").map {
                (try $0.decode("recipient_role", as: String.self),
                 try JSONSerialization.jsonObject(with: Data(try $0.decode("p", as: String.self).utf8)) as! [String: String])
            }
        }
        #expect(Set(told.map(\.0)) == ["client", "coordinator"])
        for (role, p) in told {
            for key in NotificationCatalogue.parameters[.proposalSent]! { #expect(p[key]?.isEmpty == false, "\(role): \(key)") }
            _ = try NotificationCatalogue.render(moment: .proposalSent, recipient: RecipientRole(rawValue: role)!, parameters: p)
            #expect(p["total_amount"] == "₹8,29,000")
        }
        #expect(try Int(Self.strings(w, "SELECT count(*)::text AS v FROM notifications")[0])! == Int(before[0])! + told.count)
        let portal = try w.sync { c in try PortalRepository.proposals(c, bookingID: c.query("SELECT id FROM bookings").first!.decode("id")) }
        #expect(portal.map(\.revised) == [true] && portal.map(\.totalPaise) == [82900000])
        let audit = try w.sync { c in try AuditLogQueries.search(c, AuditFilter(actor: "staff:\(w.coordinatorID)")).rows.map(\.action) }
        #expect(audit.contains("staff.proposal_revised") && audit.contains("payment_link.cancel_requested"))
    }

    @Test func aPaidMilestoneCannotBeEditedAndARefusedRevisionWritesNothing() async throws {
        let w = try await AdminWorld()
        let browser = try await w.signedIn("arjun@rochevents.in")
        try await sentAndDepositPaid(w, browser)
        let snapshot = { try Self.strings(w, """
            SELECT (SELECT count(*) FROM proposals) || '/' || (SELECT count(*) FROM payment_milestones) || '/' || (SELECT count(*) FROM jobs)
                   || '/' || (SELECT count(*) FROM notifications) || '/' || (SELECT count(*) FROM portal_events) || '/'
                   || (SELECT string_agg(status, ',' ORDER BY id) FROM payment_milestones) AS v
            """) }
        let before = try snapshot()
        let cheaper: [(String, String)] = [("milestone.1.label", "Deposit"), ("milestone.1.amount", "1,00,000"), ("milestone.1.due_on", "2027-01-15"),
                                           ("milestone.2.label", "Balance"), ("milestone.2.amount", "6,66,000"), ("milestone.2.due_on", "2027-02-07")]
        let r = await editor.post(w, browser, ProposalEditorTests.lines + cheaper, seen: "deposit_paid", action: "revise")
        #expect(r.status == 422)
        #expect(r.text.contains("&#39;Deposit&#39; (₹2,00,000) has been paid and cannot be changed or removed.")
                || r.text.contains("'Deposit' (₹2,00,000) has been paid and cannot be changed or removed."))
        // A stale page (the booking moved on) is refused too.
        let stale = await editor.post(w, browser, ProposalEditorTests.lines + Self.plan, seen: "proposal_sent", action: "revise")
        #expect(stale.status == 409)
        // Once sent, a draft cannot replace it behind the client's back.
        let draft = await editor.post(w, browser, ProposalEditorTests.lines + Self.plan, seen: "deposit_paid", action: "save")
        #expect(draft.status == 409 && draft.text.contains("Send the revised proposal"))
        #expect(try snapshot() == before)
    }

    @Test func revisingBeforeTheDepositReplacesEveryMilestoneAndIssuesOnlyTheNewDepositsLink() async throws {
        let w = try await AdminWorld()
        let browser = try await w.signedIn("arjun@rochevents.in")
        let r = await editor.post(w, browser, ProposalEditorTests.lines + Self.plan, action: "send")
        #expect(r.status == 303, "\(r.text)")
        let today = IST.day(of: w.clock.now).description
        let revised: [(String, String)] = [("milestone.1.label", "Deposit"), ("milestone.1.amount", "1,00,000"), ("milestone.1.due_on", today),
                                           ("milestone.2.label", "Balance"), ("milestone.2.amount", "6,66,000"), ("milestone.2.due_on", "2027-02-07")]
        let again = await editor.post(w, browser, ProposalEditorTests.lines + revised, seen: "proposal_sent", action: "revise")
        #expect(again.status == 303, "\(again.text)")
        let plan = try Self.strings(w, """
            SELECT p.status || ' #' || m.sequence || ' ' || m.amount_paise || ' ' || m.status || ' ' || m.due_rule AS v
            FROM payment_milestones m JOIN proposals p ON p.id = m.proposal_id ORDER BY m.id
            """)
        #expect(plan == ["superseded #1 20000000 cancelled on_acceptance", "superseded #2 56600000 cancelled days_before_event:7",
                         "sent #1 10000000 pending on_acceptance", "sent #2 66600000 pending days_before_event:7"])
        #expect(try Self.strings(w, "SELECT payload->>'milestones' AS v FROM jobs WHERE kind = 'create_payment_link' ORDER BY id") == ["on_acceptance", "on_acceptance"])
        #expect(try Self.strings(w, "SELECT state AS v FROM bookings") == ["proposal_sent"])
        let entry = try Self.strings(w, "SELECT body AS v FROM portal_events ORDER BY id DESC LIMIT 1")
        #expect(entry == ["The revised proposal's total is ₹7,66,000. It replaces the earlier proposal."])
    }
}
