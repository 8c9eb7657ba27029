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

    @Test func aNewTaskIsAnnouncedToItsPersonElseToTheRoleHoldersBeforeTheOwners() {
        let staff: [(id: Int64, role: StaffRole)] = [(1, .owner), (7, .coordinator), (8, .coordinator), (3, .accounts)]
        #expect(TaskRules.assignees(assigneeID: 8, assigneeRole: "coordinator", staff: staff) == [8])
        #expect(TaskRules.assignees(assigneeID: 99, assigneeRole: "coordinator", staff: staff) == [])   // left the team
        #expect(TaskRules.assignees(assigneeID: nil, assigneeRole: "accounts", staff: staff) == [3])
        #expect(TaskRules.assignees(assigneeID: nil, assigneeRole: "sales", staff: staff) == [7, 8])
        #expect(TaskRules.assignees(assigneeID: nil, assigneeRole: "operations", staff: staff) == [1])   // only the owner holds it
        #expect(TaskRules.assignees(assigneeID: nil, assigneeRole: "accounts", staff: [(1, .owner), (7, .coordinator)]) == [1])
        #expect(TaskRules.assignees(assigneeID: nil, assigneeRole: "catering", staff: staff) == [])
    }

    @Test func aNewEnquirysCallTaskIsAskedForByTheEnquiryMessageItself() {
        #expect(!TaskRules.announces(alongside: [.enquiryReceived]))
        #expect(TaskRules.announces(alongside: [.discussionScheduled]))
        #expect(TaskRules.announces(alongside: []))
        // Every transition's tasks are announced: only the enquiry's creation notifies enquiry_received.
        #expect(BookingLifecycle.creation.actions.contains { if case .notify(.enquiryReceived) = $0 { true } else { false } })
        #expect(!BookingLifecycle.table.contains { t in t.actions.contains { if case .notify(.enquiryReceived) = $0 { true } else { false } } })
    }
}
