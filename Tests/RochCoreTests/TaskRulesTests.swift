import Foundation
import Testing
import RochCore

struct TaskRulesTests {
    static let now = IST.instant(CalendarDay("2027-02-14")!, TimeOfDay(hour: 10, minute: 0)!)

    @Test func urgencyFollowsTheDueTimeAndTheIndianDate() {
        #expect(TaskRules.urgency(dueAt: Self.now.addingTimeInterval(-60), now: Self.now) == .overdue)
        #expect(TaskRules.urgency(dueAt: Self.now.addingTimeInterval(13 * 3600), now: Self.now) == .dueToday)   // 23:00 IST
        #expect(TaskRules.urgency(dueAt: Self.now.addingTimeInterval(14 * 3600), now: Self.now) == .later)      // 00:00 IST next day
        #expect(TaskRules.urgency(dueAt: nil, now: Self.now) == .noDueDate)
    }

    @Test func aTaskIsTheNamedPersonsElseTheRoleHolders() {
        #expect(TaskRules.isMine(assigneeID: 7, assigneeRole: "coordinator", staffID: 7, role: .coordinator))
        #expect(!TaskRules.isMine(assigneeID: 8, assigneeRole: "coordinator", staffID: 7, role: .coordinator))
        #expect(TaskRules.isMine(assigneeID: nil, assigneeRole: "accounts", staffID: 3, role: .accounts))
        #expect(!TaskRules.isMine(assigneeID: nil, assigneeRole: "accounts", staffID: 7, role: .coordinator))
        #expect(TaskRules.isMine(assigneeID: nil, assigneeRole: "sales", staffID: 1, role: .owner))
    }

    @Test func anotherCoordinatorMayNotCompleteATaskOnABookingTheyDoNotCoordinate() {
        #expect(!TaskRules.mayComplete(assigneeID: 8, assigneeRole: "coordinator", bookingCoordinatorID: 8, staffID: 7, role: .coordinator))
        #expect(TaskRules.mayComplete(assigneeID: 8, assigneeRole: "coordinator", bookingCoordinatorID: 8, staffID: 1, role: .owner))
        #expect(TaskRules.mayComplete(assigneeID: nil, assigneeRole: "accounts", bookingCoordinatorID: 8, staffID: 3, role: .accounts))
    }
}
