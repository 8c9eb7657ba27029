import Foundation
import RochCore
import RochStore

/// Creates a task the lifecycle asks for and tells its assignee at once (`task_assigned`), in the
/// caller's transaction: the booking's coordinator for a coordinator task, otherwise whoever holds
/// the task's role (`TaskRules.assignees`); the team when nobody does.
struct TaskAnnouncement {
    let notifier: BookingNotifier

    @discardableResult
    func create(_ task: TaskTemplate, booking: BookingRecord, announce: Bool = true, on c: Connection) throws -> Int64 {
        let assigneeID = task.assignee == .coordinator ? booking.coordinatorID : nil
        let id = try TeamRepository.createTask(c, bookingID: booking.id, title: task.title, assigneeRole: task.assignee.rawValue,
                                               assigneeID: assigneeID, dueInHours: task.dueInHours)
        guard announce else { return id }
        let due: Date = try c.query("SELECT due_at FROM tasks WHERE id = $1", id).first!.decode("due_at")
        let team = try TeamRepository.active(c)
        let chosen = Set(TaskRules.assignees(assigneeID: assigneeID, assigneeRole: task.assignee.rawValue,
                                             staff: team.compactMap { m in StaffRole(rawValue: m.role).map { (id: m.id, role: $0) } }))
        try notifier.notify(c, moment: .taskAssigned, booking: booking, occurrence: "task:\(id)",
                            extra: ["task_title": task.title, "task_due": NotificationFormat.dateTime(due)],
                            assignees: team.filter { chosen.contains($0.id) })
        return id
    }
}
