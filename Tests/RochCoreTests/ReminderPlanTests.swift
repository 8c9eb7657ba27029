import Foundation
import Testing
import RochCore

struct ReminderPlanTests {
    static let eventDay = CalendarDay("2027-02-14")!
    static let sixThirty = TimeOfDay(hour: 18, minute: 30)!

    /// An instant given as India wall-clock time.
    static func ist(_ day: String, _ hour: Int, _ minute: Int = 0) -> Date {
        IST.instant(CalendarDay(day)!, TimeOfDay(hour: hour, minute: minute)!)
    }

    static let plan = ReminderPlan.make(eventDate: eventDay, startTime: sixThirty, unpaidMilestones: [
        ReminderMilestone(sequence: 2, dueOn: CalendarDay("2027-02-07")!),
    ])

    static func reminder(_ kind: ReminderKind) -> PlannedReminder { plan.reminders.first { $0.kind == kind }! }

    @Test func eventRemindersAreRelativeToTheStartInIndia() {
        #expect(Self.reminder(.eventReminder48h).dueAt == Self.ist("2027-02-12", 18, 30))
        #expect(Self.reminder(.eventReminder48h).staleAt == Self.ist("2027-02-13", 18, 30))
        #expect(Self.reminder(.eventReminder2h).dueAt == Self.ist("2027-02-14", 16, 30))
        #expect(Self.reminder(.eventReminder2h).staleAt == Self.ist("2027-02-14", 18, 30))
        // 16:30 IST is 11:00 UTC.
        #expect(Self.reminder(.eventReminder2h).dueAt == Date(timeIntervalSince1970: TimeInterval(Self.eventDay.daysSinceEpoch * 86_400 + 11 * 3_600)))
    }

    @Test func paymentRemindersAreAtTenInTheMorningIST() {
        let soon = Self.reminder(.paymentDueSoon), overdue = Self.reminder(.paymentOverdue)
        #expect(soon.dueAt == Self.ist("2027-02-04", 10))
        #expect(soon.staleAt == Self.ist("2027-02-08", 0))
        #expect(overdue.dueAt == Self.ist("2027-02-08", 10))
        #expect(overdue.staleAt == Self.ist("2027-02-11", 10))
        #expect(soon.milestoneSequence == 2 && overdue.milestoneSequence == 2)
        #expect(soon.moment == .paymentDueReminder && overdue.moment == .paymentDueReminder)
        #expect(ReminderKind.paymentDueSoon.recipients == [.client])
        #expect(ReminderKind.paymentOverdue.recipients == [.client, .team])
    }

    @Test func remindersAreOrderedByDueTime() {
        #expect(Self.plan.reminders.map(\.kind) == [.paymentDueSoon, .paymentOverdue, .eventReminder48h, .eventReminder2h])
        let dues = Self.plan.reminders.map(\.dueAt)
        #expect(dues == dues.sorted())
    }

    @Test func reminderWaitsThenSendsThenIsSkippedNotSentLate() {
        let r = Self.reminder(.eventReminder48h)
        #expect(r.decide(now: r.dueAt.addingTimeInterval(-1)) == .wait(until: r.dueAt))
        #expect(r.decide(now: r.dueAt) == .send)
        #expect(r.decide(now: r.staleAt.addingTimeInterval(-1)) == .send)
        guard case .skip(let reason) = r.decide(now: r.staleAt) else { Issue.record("not skipped"); return }
        #expect(reason.contains("48-hour event reminder") && reason.contains("not sent late"))
        let twoHour = Self.reminder(.eventReminder2h)
        #expect(twoHour.decide(now: Self.ist("2027-02-14", 18, 29)) == .send)
        if case .skip = twoHour.decide(now: Self.ist("2027-02-14", 18, 30)) {} else { Issue.record("2h reminder sent after the start") }
    }

    @Test func planDecidesEveryReminderAtOnce() {
        let verdicts = Self.plan.decide(now: Self.ist("2027-02-13", 9))
        #expect(verdicts.map(\.reminder.kind) == [.paymentDueSoon, .paymentOverdue, .eventReminder48h, .eventReminder2h])
        let decisions = verdicts.map(\.decision)
        if case .skip = decisions[0] {} else { Issue.record("due-soon should be stale") }
        if case .skip = decisions[1] {} else { Issue.record("overdue should be stale") }
        #expect(decisions[2] == .send)
        #expect(decisions[3] == .wait(until: Self.ist("2027-02-14", 16, 30)))
    }

    @Test func reschedulingIsRecomputingWithNewKeysForMovedMoments() {
        let moved = ReminderPlan.make(eventDate: CalendarDay("2027-02-21")!, startTime: Self.sixThirty, unpaidMilestones: [
            ReminderMilestone(sequence: 2, dueOn: CalendarDay("2027-02-07")!),
        ])
        let same = ReminderPlan.make(eventDate: Self.eventDay, startTime: Self.sixThirty, unpaidMilestones: [
            ReminderMilestone(sequence: 2, dueOn: CalendarDay("2027-02-07")!),
        ])
        #expect(same == Self.plan)
        #expect(moved.reminders.first { $0.kind == .eventReminder48h }!.key == "event_reminder_48h:2027-02-21T18:30")
        #expect(Self.reminder(.eventReminder48h).key == "event_reminder_48h:2027-02-14T18:30")
        #expect(moved.reminders.first { $0.kind == .paymentDueSoon }!.key == Self.reminder(.paymentDueSoon).key)
        #expect(Self.reminder(.paymentOverdue).key == "payment_overdue:2:2027-02-07")
    }

    @Test func paidMilestonesHaveNoReminders() {
        let plan = ReminderPlan.make(eventDate: Self.eventDay, startTime: Self.sixThirty, unpaidMilestones: [])
        #expect(plan.reminders.map(\.kind) == [.eventReminder48h, .eventReminder2h])
    }

    @Test func lateBookingStillGetsATwoDayReminderWhileItIsMoreThanADayAway() {
        // Booked 30 hours before an 18:30 start: the 48-hour reminder is 18 hours overdue but still useful.
        let r = Self.reminder(.eventReminder48h)
        #expect(r.decide(now: Self.ist("2027-02-13", 12, 30)) == .send)
    }
}
