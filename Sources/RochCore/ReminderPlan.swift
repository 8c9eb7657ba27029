import Foundation

/// The reminders a booking should get, computed purely from its event time and unpaid
/// milestones. Rescheduling is recomputing: call `make` again with the new facts; a reminder's
/// `key` contains the moment it refers to, so a moved event or due date gets fresh reminders
/// while an unchanged one keeps its key (and the outbox's unique key stops a double send).
public struct ReminderPlan: Sendable, Equatable, Codable {
    public let reminders: [PlannedReminder]

    /// What a message says for the time while the start time is not agreed
    /// ("Sunday, 14 February 2027 at a start time still to be confirmed").
    public static let unconfirmedStartWording = "a start time still to be confirmed"

    /// The plan when the start time may not be agreed yet (nothing sets it until the staff side does).
    /// - With a start time: exactly `make(eventDate:startTime:unpaidMilestones:)`.
    /// - Without one: the 48 h reminder is planned against `defaultStartTime` on the event date
    ///   (India time; its key marks the time as assumed, so agreeing a time later replaces it and
    ///   its message says the time is still to be confirmed); the 2 h reminder is not planned (two
    ///   hours before a guessed time is wrong); instead `start_time_missing` asks the coordinator
    ///   (the team when there is none) to agree the time, 72 h before the assumed start (a day
    ///   before the 48 h reminder), still useful until 2 h before the assumed start.
    /// A booking still to happen without an agreed start time is flagged to the team (the booking
    /// page says so, and `start_time_missing` asks the coordinator before the 2 h reminder is due).
    public static func needsStartTime(hasStartTime: Bool, state: BookingState) -> Bool {
        !hasStartTime && !state.isFinal
    }

    public static func make(eventDate: CalendarDay, startTime: TimeOfDay?, defaultStartTime: TimeOfDay,
                            unpaidMilestones: [ReminderMilestone]) -> ReminderPlan {
        if let startTime { return make(eventDate: eventDate, startTime: startTime, unpaidMilestones: unpaidMilestones) }
        let assumedStart = IST.instant(eventDate, defaultStartTime)
        var reminders = make(eventDate: eventDate, startTime: defaultStartTime, unpaidMilestones: unpaidMilestones).reminders
            .compactMap { r -> PlannedReminder? in
                switch r.kind {
                case .eventReminder2h, .startTimeMissing: return nil
                case .eventReminder48h:
                    return PlannedReminder(kind: r.kind, dueAt: r.dueAt, staleAfter: r.staleAfter, milestoneSequence: nil,
                                           key: r.key + "-unconfirmed", startTimeAssumed: true)
                case .paymentDueSoon, .paymentOverdue: return r
                }
            }
        reminders.append(PlannedReminder(kind: .startTimeMissing, dueAt: assumedStart.addingTimeInterval(-72 * 3_600),
                                         staleAfter: 70 * 3_600, milestoneSequence: nil, key: "start_time_missing:\(eventDate)"))
        reminders.sort { ($0.dueAt, $0.kind.order, $0.milestoneSequence ?? 0) < ($1.dueAt, $1.kind.order, $1.milestoneSequence ?? 0) }
        return ReminderPlan(reminders: reminders)
    }

    /// Reminders in `dueAt` order (ties: event reminders first, then by milestone sequence).
    /// - `event_reminder_48h`: 48 h before the start (event date + start time, India), stale
    ///   24 h later (a "two days to go" message sent less than a day before is wrong).
    /// - `event_reminder_2h`: 2 h before the start, stale at the start.
    /// - `payment_due_reminder` "due soon": 10:00 IST three days before the due date, stale once
    ///   the due day is over (the overdue reminder takes over).
    /// - `payment_due_reminder` "overdue": 10:00 IST the day after the due date, stale 72 h later;
    ///   it goes to the team as well as the client.
    /// Pass only milestones that are still unpaid; a paid milestone has no reminders.
    public static func make(eventDate: CalendarDay, startTime: TimeOfDay, unpaidMilestones: [ReminderMilestone]) -> ReminderPlan {
        let start = IST.instant(eventDate, startTime)
        let stamp = "\(eventDate)T\(startTime.hour < 10 ? "0" : "")\(startTime.hour):\(startTime.minute < 10 ? "0" : "")\(startTime.minute)"
        var reminders = [
            PlannedReminder(kind: .eventReminder48h, dueAt: start.addingTimeInterval(-48 * 3_600), staleAfter: 24 * 3_600,
                            milestoneSequence: nil, key: "event_reminder_48h:\(stamp)"),
            PlannedReminder(kind: .eventReminder2h, dueAt: start.addingTimeInterval(-2 * 3_600), staleAfter: 2 * 3_600,
                            milestoneSequence: nil, key: "event_reminder_2h:\(stamp)"),
        ]
        let tenAM = TimeOfDay(hour: 10, minute: 0)!
        for milestone in unpaidMilestones {
            let soon = IST.instant(milestone.dueOn.adding(days: -3), tenAM)
            let dueDayOver = IST.instant(milestone.dueOn.adding(days: 1), TimeOfDay(hour: 0, minute: 0)!)
            reminders.append(PlannedReminder(kind: .paymentDueSoon, dueAt: soon, staleAfter: dueDayOver.timeIntervalSince(soon),
                                             milestoneSequence: milestone.sequence,
                                             key: "payment_due_soon:\(milestone.sequence):\(milestone.dueOn)"))
            reminders.append(PlannedReminder(kind: .paymentOverdue, dueAt: IST.instant(milestone.dueOn.adding(days: 1), tenAM),
                                             staleAfter: 72 * 3_600, milestoneSequence: milestone.sequence,
                                             key: "payment_overdue:\(milestone.sequence):\(milestone.dueOn)"))
        }
        reminders.sort { ($0.dueAt, $0.kind.order, $0.milestoneSequence ?? 0) < ($1.dueAt, $1.kind.order, $1.milestoneSequence ?? 0) }
        return ReminderPlan(reminders: reminders)
    }

    /// What to do with each reminder at `now`.
    public func decide(now: Date) -> [ReminderVerdict] {
        reminders.map { ReminderVerdict(reminder: $0, decision: $0.decide(now: now)) }
    }
}

/// An unpaid payment milestone, as reminders need it.
public struct ReminderMilestone: Sendable, Equatable, Codable {
    public let sequence: Int
    public let dueOn: CalendarDay

    public init(sequence: Int, dueOn: CalendarDay) {
        self.sequence = sequence
        self.dueOn = dueOn
    }
}

/// Which reminder this is; several kinds share a notification moment.
public enum ReminderKind: String, Sendable, Codable, CaseIterable {
    case eventReminder48h = "event_reminder_48h"
    case eventReminder2h = "event_reminder_2h"
    case paymentDueSoon = "payment_due_soon"
    case paymentOverdue = "payment_overdue"
    /// No start time is agreed: the coordinator is asked to agree it (the 2 h reminder needs it).
    case startTimeMissing = "start_time_missing"

    public var moment: NotificationMoment {
        switch self {
        case .eventReminder48h: return .eventReminder48h
        case .eventReminder2h: return .eventReminder2h
        case .paymentDueSoon, .paymentOverdue: return .paymentDueReminder
        case .startTimeMissing: return .startTimeMissing
        }
    }

    /// Who gets it: the team hears about payments only once they are overdue.
    public var recipients: [RecipientRole] {
        switch self {
        case .eventReminder48h, .eventReminder2h: return [.client, .coordinator]
        case .paymentDueSoon: return [.client]
        case .paymentOverdue: return [.client, .team]
        case .startTimeMissing: return [.coordinator]
        }
    }

    var order: Int { ReminderKind.allCases.firstIndex(of: self)! }

    var label: String {
        switch self {
        case .eventReminder48h: return "48-hour event reminder"
        case .eventReminder2h: return "2-hour event reminder"
        case .paymentDueSoon: return "payment due reminder"
        case .paymentOverdue: return "payment overdue reminder"
        case .startTimeMissing: return "request to agree the start time"
        }
    }
}

/// One reminder: when it is due and how long after that it is still worth sending.
public struct PlannedReminder: Sendable, Equatable, Codable {
    public let kind: ReminderKind
    public let dueAt: Date
    /// Seconds after `dueAt` during which sending is still useful; later it is skipped.
    public let staleAfter: TimeInterval
    /// The payment milestone it is about (payment reminders only).
    public let milestoneSequence: Int?
    /// Stable per booking for unchanged facts: use it (with the booking id) as the outbox key.
    public let key: String
    /// An event reminder timed against the default start hour because no start time is agreed:
    /// its message says the time is still to be confirmed.
    public let startTimeAssumed: Bool

    public init(kind: ReminderKind, dueAt: Date, staleAfter: TimeInterval, milestoneSequence: Int?, key: String,
                startTimeAssumed: Bool = false) {
        self.kind = kind
        self.dueAt = dueAt
        self.staleAfter = staleAfter
        self.milestoneSequence = milestoneSequence
        self.key = key
        self.startTimeAssumed = startTimeAssumed
    }

    public var moment: NotificationMoment { kind.moment }
    public var staleAt: Date { dueAt.addingTimeInterval(staleAfter) }

    /// `.wait` before `dueAt`, `.send` from `dueAt` until `staleAt` (exclusive), then `.skip`.
    public func decide(now: Date) -> ReminderDecision {
        if now < dueAt { return .wait(until: dueAt) }
        if now < staleAt { return .send }
        return .skip(reason: "The \(kind.label) was due \(NotificationFormat.dateTime(dueAt)) and stopped being useful \(NotificationFormat.dateTime(staleAt)); it is not sent late.")
    }
}

/// Whether to send a reminder now.
public enum ReminderDecision: Sendable, Equatable, Codable {
    case send
    case skip(reason: String)
    case wait(until: Date)
}

/// A reminder with the decision taken for it.
public struct ReminderVerdict: Sendable, Equatable {
    public let reminder: PlannedReminder
    public let decision: ReminderDecision
}
