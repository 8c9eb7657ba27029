import Foundation
import RochCore
import RochHTTP
import RochStore

/// The team's tasks: `GET /admin/tasks` ("my tasks", `?all=1` for everyone's) and
/// `POST /admin/tasks/<id>/done` (one tap, audited).
extension AdminApp {
    func tasks(_ request: Request, session: StaffSession, status: Int = 200, alert: String? = nil) async throws -> Response {
        let all = (try? request.query())?["all"] == "1"
        let me = session.account.id, role = session.role
        let roles = TaskRules.taskRoles(of: role).map(\.rawValue).sorted()
        let rows = try await context.database.withConnection { c in try TaskQueries.open(c, staffID: all ? nil : me, roles: roles) }
        let now = clock()
        let items: [[String: Any]] = rows.map { t in
            let urgency = TaskRules.urgency(dueAt: t.dueAt, now: now)
            return ["id": String(t.id), "title": t.title, "urgency": urgency.label, "overdue": urgency == .overdue,
                    "due": t.dueAt.map(NotificationFormat.dateTime) as Any, "booking": t.bookingPublicID, "client": t.clientName,
                    "assignee": t.assigneeName ?? "any \(t.assigneeRole)",
                    "canComplete": TaskRules.mayComplete(assigneeID: t.assigneeID, assigneeRole: t.assigneeRole,
                                                         bookingCoordinatorID: t.bookingCoordinatorID, staffID: me, role: role)]
        }
        let overdue = items.filter { $0["overdue"] as? Bool == true }.count
        return templates.response(AdminPage("tasks", title: all ? "All tasks" : "My tasks", status: status, current: "tasks", values: [
            "all": all, "items": items, "hasItems": !items.isEmpty, "alert": alert as Any,
            "summary": items.isEmpty ? "Nothing to do." : "\(items.count) open task\(items.count == 1 ? "" : "s"), \(overdue) overdue.",
        ]), session: session)
    }

    func taskDone(_ id: String, _ request: Request, session: StaffSession) async throws -> Response {
        guard let taskID = Int64(id), let task = try await context.database.withConnection({ c in try TaskQueries.find(c, id: taskID) }) else {
            throw HTTPError.notFound("There is no such task.")
        }
        guard TaskRules.mayComplete(assigneeID: task.assigneeID, assigneeRole: task.assigneeRole, bookingCoordinatorID: task.bookingCoordinatorID,
                                    staffID: session.account.id, role: session.role) else {
            try await audit(session, request, action: "staff.denied", details: ["wanted": "task.done", "task": id])
            return message(status: 403, heading: "Not allowed", text: "This task belongs to someone else on a booking you do not coordinate.", session: session)
        }
        let client = StaffClient(request), actor = "staff:\(session.account.id)"
        try await context.database.withConnection { c in
            try c.transaction { c in
                if try TaskQueries.markDone(c, id: taskID) {
                    try AuditLogQueries.record(c, actor: actor, action: "staff.task_done", entity: "booking", entityID: task.bookingPublicID,
                                               details: ["task": id, "title": task.title], ip: client.ip, userAgent: client.userAgent)
                }
            }
        }
        let back = AdminReturnPath.sanitise((try? request.form())?["back"] ?? "/admin/tasks")
        return Response.redirect(to: back)
    }
}
