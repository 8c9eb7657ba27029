import Foundation
import RochCore
import RochStore

/// An unpaid payment milestone, as payment reminders need it (from the payments module's
/// `payment_milestones`).
public struct PaymentReminderMilestone: Sendable, Equatable {
    public var sequence: Int
    public var label: String
    public var amount: Money
    public var dueOn: CalendarDay
    public var paymentLink: String?

    public init(sequence: Int, label: String, amount: Money, dueOn: CalendarDay, paymentLink: String?) {
        self.sequence = sequence
        self.label = label
        self.amount = amount
        self.dueOn = dueOn
        self.paymentLink = paymentLink
    }
}

/// Where payment reminders get a booking's unpaid milestones.
public typealias UnpaidMilestoneSource = @Sendable (Connection, BookingRecord) throws -> [PaymentReminderMilestone]

/// The payments module's milestones (`payment_milestones`, migration 0004) as reminders see them.
public enum PaymentReminderMilestones {
    /// Open milestones of the booking's current proposal, with what is still owed and the current link.
    public static let unpaid: UnpaidMilestoneSource = { c, booking in
        try PaymentMilestoneRepository.forBooking(c, bookingID: booking.id)
            .filter { [.pending, .linkIssued, .partiallyPaid, .expired].contains($0.status) && $0.outstanding > .zero }
            .map { PaymentReminderMilestone(sequence: $0.sequence, label: $0.label, amount: $0.outstanding, dueOn: $0.dueOn,
                                            paymentLink: $0.shortURL) }
    }
}

/// Puts a booking's reminders in the outbox (ReminderPlan: 48 h and 2 h before the event, payment
/// due soon and overdue) and moves them when the facts change. Re-planning is idempotent: an
/// unchanged reminder keeps its outbox key, a moved one is cancelled and queued anew.
///
/// While no start time is agreed (nothing sets it until the staff side does), the 48 h reminder is
/// timed against `Configuration.eventDefaultStartTime` and says the time is still to be confirmed,
/// and `start_time_missing` asks the coordinator to agree it; the 2 h reminder waits for a real time.
public struct Reminders: Sendable {
    public static let moments: [NotificationMoment] = [.eventReminder48h, .eventReminder2h, .paymentDueReminder, .startTimeMissing]
    /// The states in which a booking gets reminders (confirmed and not yet over).
    public static let activeStates: Set<BookingState> = [.depositPaid, .activePreparation]

    let notifier: BookingNotifier
    let milestones: UnpaidMilestoneSource

    public init(configuration: Configuration, milestones: @escaping UnpaidMilestoneSource = PaymentReminderMilestones.unpaid) {
        notifier = BookingNotifier(configuration: configuration)
        self.milestones = milestones
    }

    /// The admin's "date or time changed": cancels queued reminders that no longer fit and queues
    /// the new ones, in the caller's transaction. Returns how many rows were queued.
    @discardableResult
    public func reschedule(_ bookingID: Int64, on c: Connection, now: Date = Date()) throws -> Int {
        guard let booking = try BookingRepository.lock(c, id: bookingID) else { throw BookingNotFound() }
        return try plan(booking, on: c, now: now)
    }

    /// Plans every reminder of the booking as it is now.
    @discardableResult
    public func plan(_ booking: BookingRecord, on c: Connection, now: Date = Date()) throws -> Int {
        guard Self.activeStates.contains(booking.state) else {
            try ReminderRows.cancel(c, bookingID: booking.id, moments: Self.moments, keeping: [], reason: "booking is \(booking.state.rawValue)")
            return 0
        }
        var keep: [String] = []
        var queued = 0
        let start = booking.eventStartTime.flatMap(BookingNotifier.timeOfDay)
        let plan = ReminderPlan.make(eventDate: booking.eventDate, startTime: start,
                                     defaultStartTime: notifier.configuration.eventDefaultStartTime, unpaidMilestones: [])
        for r in plan.reminders {
            keep.append(r.key)
            if case .skip = r.decide(now: now) { continue }
            // Agreeing the time after the assumed-time 48 h reminder went out must not send "two days to go" twice.
            if r.kind == .eventReminder48h,
               try ReminderRows.wasSent(c, bookingID: booking.id, moment: .eventReminder48h,
                                        occurrencePrefix: "event_reminder_48h:\(booking.eventDate)T", other: r.key) { continue }
            let extra = r.startTimeAssumed ? ["event_time": ReminderPlan.unconfirmedStartWording] : [:]
            queued += try notifier.notify(c, moment: r.moment, booking: booking, occurrence: r.key, extra: extra,
                                          dueAt: r.dueAt, staleAfter: r.staleAt)
        }
        queued += try planPayments(booking, on: c, now: now, keep: &keep)
        try ReminderRows.cancel(c, bookingID: booking.id, moments: Self.moments, keeping: keep, reason: "rescheduled")
        try ReminderRows.revive(c, bookingID: booking.id, moments: Self.moments, keys: keep, now: now)
        return queued
    }

    /// Payment reminders: "due soon" to the client 3 days before, "overdue" to the client and the
    /// team the day after, for each unpaid milestone.
    func planPayments(_ booking: BookingRecord, on c: Connection, now: Date, keep: inout [String]) throws -> Int {
        let unpaid = try milestones(c, booking)
        guard !unpaid.isEmpty else { return 0 }
        let bySequence = Dictionary(unpaid.map { ($0.sequence, $0) }, uniquingKeysWith: { a, _ in a })
        let plan = ReminderPlan.make(eventDate: booking.eventDate, startTime: TimeOfDay(hour: 0, minute: 0)!,
                                     unpaidMilestones: unpaid.map { ReminderMilestone(sequence: $0.sequence, dueOn: $0.dueOn) })
        var queued = 0
        for r in plan.reminders where r.kind == .paymentDueSoon || r.kind == .paymentOverdue {
            guard let sequence = r.milestoneSequence, let m = bySequence[sequence] else { continue }
            keep.append(r.key)
            if case .skip = r.decide(now: now) { continue }
            let due = NotificationFormat.date(m.dueOn)
            queued += try notifier.notify(c, moment: .paymentDueReminder, booking: booking, occurrence: r.key, extra: [
                "milestone_label": m.label, "amount": m.amount.inr, "due_date": due, "milestone_sequence": String(m.sequence),
                "due_status": r.kind == .paymentOverdue ? "overdue (it was due on \(due))" : "due on \(due)",
                "payment_link": m.paymentLink ?? "\(notifier.configuration.siteURL)/portal/",
            ], dueAt: r.dueAt, staleAfter: r.staleAt, roles: r.kind == .paymentDueSoon ? [.client] : nil)
        }
        return queued
    }
}

/// `schedule_reminders` {booking_id}: queued by the lifecycle when a booking is confirmed.
public struct ScheduleRemindersJob: JobHandler {
    public let kind = "schedule_reminders"
    let milestones: UnpaidMilestoneSource

    public init(milestones: @escaping UnpaidMilestoneSource = PaymentReminderMilestones.unpaid) { self.milestones = milestones }

    public func run(_ job: JobRecord, context: AppContext) async throws {
        struct Payload: Decodable { var booking_id: String }
        guard let payload = try? job.payload.decode(Payload.self), let id = Int64(payload.booking_id) else {
            throw JobFailure.permanent(reason: "payload needs booking_id, got \(job.payload.text)")
        }
        let reminders = Reminders(configuration: context.configuration, milestones: milestones)
        try await context.database.transaction { c in
            guard let booking = try BookingRepository.lock(c, id: id) else { throw JobFailure.permanent(reason: "booking \(id) does not exist") }
            try reminders.plan(booking, on: c)
        }
    }
}
