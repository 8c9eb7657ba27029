import Foundation
import RochApp
import RochCore
import RochHTTP
import RochStore
import Testing

/// The dashboard's addresses through the admin gate: who may export, wrong methods, unknown ids,
/// a stale form, and bad input on the export and log forms.
@Suite(.serialized) struct AdminDashboardTests {
    @Test func exportsAreForAccountsAndTheOwnerOnly() async throws {
        let w = try await AdminWorld()
        let coordinator = try await w.signedIn("arjun@rochevents.in")
        let refused = await w.get("/admin/exports/download?kind=payments&fy=2026-27", coordinator)
        #expect(refused.status == 403 && refused.text.contains("A coordinator may not download exports."))
        #expect(!(await w.get("/admin/", coordinator)).text.contains("href=\"/admin/exports\""))
        let accounts = try await w.signedIn("sahil@rochevents.in")
        let csv = await w.get("/admin/exports/download?kind=payments&fy=2026-27", accounts)
        #expect(csv.status == 200 && csv.headers["content-type"]?.hasPrefix("text/csv") == true)
        #expect(csv.text.hasPrefix("Date,Razorpay payment id,Receipt number,Booking,Client,Milestone,Amount,Method,Status\r\n"))
        let audited = try w.sync { c in try AuditLogQueries.search(c, AuditFilter(actor: "staff:\(w.accountsID)")).rows.map(\.action) }
        #expect(audited.contains("export.downloaded"))
    }

    @Test func badExportInputComesBackOnItsFieldWithNothingDownloaded() async throws {
        let w = try await AdminWorld()
        let owner = try await w.signedIn("riya@rochevents.in")
        let badYear = await w.get("/admin/exports/download?kind=receipts&fy=2026", owner)
        #expect(badYear.status == 400 && badYear.text.contains("id=\"fy-error\">Financial year must look like 2026-27."))
        let badKind = await w.get("/admin/exports/download?kind=salaries&fy=2026-27", owner)
        #expect(badKind.status == 400 && badKind.text.contains("id=\"kind-error\">Pick what to export from the list."))
        let log = await w.get("/admin/messages?channel=pigeon&to=soon", owner)
        #expect(log.status == 200 && log.text.contains("Pick a channel from the list.") && log.text.contains("To must be a date like 2026-12-31."))
    }

    @Test func theButtonsArePostsWithTheSessionsTokenAndUnknownIdsAreRefused() async throws {
        let w = try await AdminWorld()
        let owner = try await w.signedIn("riya@rochevents.in")
        #expect(await w.get("/admin/milestones/abcdefghijklmnopqrstu/remind", owner).status == 405)
        #expect(await w.get("/admin/messages/12/retry", owner).status == 405)
        #expect(await w.get("/admin/messages/zero/retry", owner).status == 404)
        #expect(await w.get("/admin/dashboard/secrets.csv", owner).status == 404)
        let stale = await w.post("/admin/messages/12/retry", [("csrf", "not-the-token"), ("back", "/admin/")], owner)
        #expect(stale.status == 403)
        let token = await w.csrf(owner)
        let none = await w.post("/admin/messages/987654/retry", [("csrf", token), ("back", "/admin/")], owner)
        #expect(none.status == 404 && none.text.contains("There is no message with that number."))
        let noMilestone = await w.post("/admin/milestones/abcdefghijklmnopqrstu/remind", [("csrf", token), ("back", "https://evil.example/")], owner)
        #expect(noMilestone.status == 404 && noMilestone.text.contains("There is no payment milestone with that id."))
    }

    @Test func theCalendarRefusesABadMonthAndShowsThisOne() async throws {
        let w = try await AdminWorld()
        let owner = try await w.signedIn("riya@rochevents.in")
        let bad = await w.get("/admin/calendar?month=13-2026", owner)
        #expect(bad.status == 200 && bad.text.contains("Month must look like 2026-12."))
        let csv = await w.get("/admin/dashboard/cash-flow.csv", owner)
        #expect(csv.status == 200 && csv.text.hasPrefix("Month,Due from clients,Due to vendors,Net\r\n"))
    }

    @Test func onlyTheOwnerSeesAFailedMessagesPhoneAndOnlyItsCoordinatorMayRetryIt() async throws {
        let w = try await AdminWorld()
        let id: Int64 = try w.sync { c in
            try c.query("""
                INSERT INTO notifications (idempotency_key, moment, booking_id, recipient_role, recipient_name, channel, address, status, attempts, last_error)
                SELECT 'admin-test-failed', 'payment_received', id, 'client', 'Asha', 'whatsapp', '+919876500001', 'failed', 8, '(#131026) undeliverable'
                FROM bookings WHERE public_id = $1 RETURNING id
                """, w.bookingPublicID).first!.decode("id")
        }
        let owner = try await w.signedIn("riya@rochevents.in")
        let ownersLog = await w.get("/admin/messages?status=failed", owner).text
        #expect(ownersLog.contains("+919876500001") && ownersLog.contains("(#131026) undeliverable"))
        let other = try await w.signedIn("kavya@rochevents.in")
        let othersLog = await w.get("/admin/messages?status=failed", other).text
        #expect(!othersLog.contains("+919876500001") && othersLog.contains("+91 ••••••0001"))
        let refused = await w.post("/admin/messages/\(id)/retry", [("csrf", await w.csrf(other)), ("back", "/admin/")], other)
        #expect(refused.status == 403)
        #expect(try w.sync { c in try c.query("SELECT status FROM notifications WHERE id = $1", id).first!.decode("status") as String } == "failed")
        let coordinator = try await w.signedIn("arjun@rochevents.in")
        let retried = await w.post("/admin/messages/\(id)/retry", [("csrf", await w.csrf(coordinator)), ("back", "/admin/messages?status=failed")], coordinator)
        #expect(retried.status == 303 && retried.headers["location"] == "/admin/messages?status=failed&notice=message-retried")
        #expect(try w.sync { c in try c.query("SELECT status FROM notifications WHERE id = $1", id).first!.decode("status") as String } == "queued")
    }

    @Test func theHomePageShowsTheFirstRowsOfAListAndItsFullPageShowsEveryRow() async throws {
        let w = try await AdminWorld()
        let listed = AdminApp.dashboardListLimit + 3
        _ = try w.sync { c in
            try c.execute("""
                INSERT INTO notifications (idempotency_key, moment, booking_id, recipient_role, recipient_name, channel, address, status, attempts, last_error)
                SELECT 'admin-test-failed-' || i, 'payment_received', b.id, 'client', 'Asha', 'whatsapp', '+919876500001', 'failed', 8, 'undeliverable ' || i
                FROM bookings b, generate_series(1, $2::int) i WHERE b.public_id = $1
                """, w.bookingPublicID, listed)
        }
        let owner = try await w.signedIn("riya@rochevents.in")
        let home = await w.get("/admin/", owner).text
        #expect(home.components(separatedBy: "class=\"admin-list-item dash-failed\"").count - 1 == AdminApp.dashboardListLimit)
        #expect(home.contains("Messages that failed (\(listed))") && home.contains("And 3 more: the newest 50 on <a href=\"/admin/dashboard/attention\">"))
        let full = await w.get("/admin/dashboard/attention", owner)
        #expect(full.status == 200 && full.text.contains("<h1>Everything that needs attention"))
        #expect(full.text.components(separatedBy: "class=\"admin-list-item dash-failed\"").count - 1 == listed)
        #expect(full.text.contains("undeliverable 1 · 8 attempt(s)") && !full.text.contains("And 3 more"))
        // a retry from the full page comes back to it
        #expect(full.text.contains("name=\"back\" value=\"/admin/dashboard/attention\""))
        for panel in ["payments", "agenda", "vendors"] {
            #expect(await w.get("/admin/dashboard/\(panel)", owner).status == 200)
        }
        #expect(await w.get("/admin/dashboard/everything", owner).status == 404)
        #expect(await w.post("/admin/dashboard/payments", [("csrf", await w.csrf(owner))], owner).status == 405)
    }
}
