import Foundation

/// Where an open task stands against the clock.
public enum TaskUrgency: String, Sendable, Equatable {
    case overdue, dueToday = "due_today", later, noDueDate = "no_due_date"

    public var label: String {
        switch self {
        case .overdue: "Overdue"
        case .dueToday: "Due today"
        case .later: "Due later"
        case .noDueDate: "No due date"
        }
    }
}

/// Who a task belongs to and when it is due: the team's task list decides with these.
public enum TaskRules {
    /// Overdue once the due time has passed; due today when it falls on today's date in India.
    public static func urgency(dueAt: Date?, now: Date) -> TaskUrgency {
        guard let dueAt else { return .noDueDate }
        if dueAt < now { return .overdue }
        return IST.day(of: dueAt) == IST.day(of: now) ? .dueToday : .later
    }

    /// The task roles a staff role holds when a task names a role but nobody in person
    /// (the owner picks up sales and operations as well as their own).
    public static func taskRoles(of role: StaffRole) -> Set<TeamRole> {
        switch role {
        case .owner: [.sales, .operations, .coordinator, .accounts]
        case .coordinator: [.coordinator, .sales]
        case .accounts: [.accounts]
        }
    }

    /// A task is someone's when it names them, or names nobody and a role they hold.
    public static func isMine(assigneeID: Int64?, assigneeRole: String, staffID: Int64, role: StaffRole) -> Bool {
        if let assigneeID { return assigneeID == staffID }
        return TeamRole(rawValue: assigneeRole).map { taskRoles(of: role).contains($0) } ?? false
    }

    /// Marking done: the task's own person (or role holder), or anyone who may act on its booking.
    public static func mayComplete(assigneeID: Int64?, assigneeRole: String, bookingCoordinatorID: Int64?, staffID: Int64, role: StaffRole) -> Bool {
        isMine(assigneeID: assigneeID, assigneeRole: assigneeRole, staffID: staffID, role: role)
            || StaffPermissions.decide(role: role, staffID: staffID, action: .actOnBooking, on: .booking(coordinatorID: bookingCoordinatorID)).isAllowed
    }

    /// Who is told about a new task (`task_assigned`): the person it names; otherwise the active team
    /// members whose own role holds the task's role (an accounts task: the accounts staff), and the
    /// owners only when nobody else holds it. Empty: nobody (the caller falls back to the team).
    public static func assignees(assigneeID: Int64?, assigneeRole: String, staff: [(id: Int64, role: StaffRole)]) -> [Int64] {
        if let assigneeID { return staff.contains { $0.id == assigneeID } ? [assigneeID] : [] }
        guard let role = TeamRole(rawValue: assigneeRole) else { return [] }
        let holders = staff.filter { taskRoles(of: $0.role).contains(role) }
        let specialists = holders.filter { $0.role != .owner }
        return (specialists.isEmpty ? holders : specialists).map(\.id)
    }

    /// A task is announced (`task_assigned`) unless its own step already asks for the work in a message
    /// to the team: a new enquiry's `enquiry_received` says "call within 24 h", so its call task is
    /// not announced a second time.
    public static func announces(alongside moments: [NotificationMoment]) -> Bool {
        !moments.contains(.enquiryReceived)
    }
}
