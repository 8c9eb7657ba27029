import Foundation
import RochApp
import RochCore
import RochHTTP
import RochStore
import RochTestSupport
import Testing

/// The team's task list (issue 16): my tasks, all tasks, overdue, done with one tap.
@Suite(.serialized)
struct TaskListTests {
    static func tasks(_ w: AdminWorld) throws -> (coordinator: Int64, accounts: Int64) {
        try w.sync { c in
            let booking: Int64 = try c.query("SELECT id FROM bookings WHERE public_id = $1", w.bookingPublicID).first!.decode("id")
            let mine: Int64 = try c.query("""
                INSERT INTO tasks (booking_id, title, assignee_role, assignee_id, due_at) VALUES ($1, 'Prepare proposal', 'coordinator', $2, $3) RETURNING id
                """, booking, w.coordinatorID, w.clock.now.addingTimeInterval(-3_600)).first!.decode("id")
            let accounts: Int64 = try c.query("""
                INSERT INTO tasks (booking_id, title, assignee_role, due_at) VALUES ($1, 'Issue deposit invoice', 'accounts', $2) RETURNING id
                """, booking, w.clock.now.addingTimeInterval(86_400 * 2)).first!.decode("id")
            return (mine, accounts)
        }
    }

    func done(_ w: AdminWorld, _ browser: AdminWorld.Browser, _ id: Int64) async -> Response {
        await w.post("/admin/tasks/\(id)/done", [("csrf", await w.csrf(browser)), ("back", "/admin/tasks")], browser)
    }

    static func doneCount(_ w: AdminWorld) throws -> Int {
        try w.sync { c in try c.query("SELECT count(*)::int AS n FROM tasks WHERE done_at IS NOT NULL").first!.decode("n") }
    }

    @Test func myTasksAreMineAndAllTasksAreEveryonesWithOverdueSaid() async throws {
        let w = try await AdminWorld()
        _ = try Self.tasks(w)
        let arjun = try await w.signedIn("arjun@rochevents.in")
        let mine = await w.get("/admin/tasks", arjun)
        #expect(mine.status == 200)
        #expect(mine.text.contains("Prepare proposal") && !mine.text.contains("Issue deposit invoice"))
        #expect(mine.text.contains("Overdue"))
        #expect(mine.text.contains("1 open task, 1 overdue."))
        let all = await w.get("/admin/tasks?all=1", arjun)
        #expect(all.text.contains("Prepare proposal") && all.text.contains("Issue deposit invoice"))
        let sahil = try await w.signedIn("sahil@rochevents.in")
        let theirs = await w.get("/admin/tasks", sahil)
        #expect(theirs.text.contains("Issue deposit invoice") && !theirs.text.contains("Prepare proposal"))
    }

    @Test func doneIsOneTapAuditedOnceAndRefusedToOutsiders() async throws {
        let w = try await AdminWorld()
        let (mine, accounts) = try Self.tasks(w)
        let kavya = try await w.signedIn("kavya@rochevents.in")
        #expect(await done(w, kavya, mine).status == 403)
        #expect(try Self.doneCount(w) == 0)
        let arjun = try await w.signedIn("arjun@rochevents.in")
        let r = await done(w, arjun, mine)
        #expect(r.status == 303 && r.headers["location"] == "/admin/tasks")
        #expect(await done(w, arjun, mine).status == 303)  // a second tap changes nothing
        #expect(try Self.doneCount(w) == 1)
        let audited = try w.sync { c in try c.query("SELECT count(*)::int AS n FROM audit_log WHERE action = 'staff.task_done'").first!.decode("n", as: Int.self) }
        #expect(audited == 1)
        let sahil = try await w.signedIn("sahil@rochevents.in")
        #expect(await done(w, sahil, accounts).status == 303)
        #expect(try Self.doneCount(w) == 2)
        #expect(await w.post("/admin/tasks/999999/done", [("csrf", await w.csrf(sahil))], sahil).status == 404)
        #expect(await w.get("/admin/tasks/\(accounts)/done", sahil).status == 405)
    }
}
