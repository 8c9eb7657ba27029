import Foundation
import RochCore
import RochStore

/// The event details form refused on a field only the database can check (the coordinator).
public struct EventDetailsRefused: Error, Sendable {
    public var fields: [String: String]
}

/// Saves a booking's coordinator, date, start time, venue, city and guests in one transaction with
/// its audit row. A new date or start time moves the balance due date (when it follows the date),
/// re-plans the reminders, tells the client and the coordinator (`event_rescheduled`) and adds a
/// timeline entry; a new coordinator takes over the booking's open coordinator tasks.
public struct StaffEventDetails: Sendable {
    let configuration: Configuration

    public init(configuration: Configuration) { self.configuration = configuration }

    public static func details(of b: BookingRecord) -> EventDetails {
        EventDetails(coordinatorID: b.coordinatorID, eventDate: b.eventDate, startTime: b.eventStartTime.flatMap(BookingNotifier.timeOfDay),
                     venue: b.venue, city: b.city, guests: b.guests)
    }

    /// Returns whether the event was rescheduled.
    @discardableResult
    public func update(_ c: Connection, bookingID: Int64, to new: EventDetails, by actor: StaffActor, now: Date = Date()) throws -> Bool {
        try c.transaction { c in
            guard let booking = try BookingRepository.lock(c, id: bookingID) else { throw BookingNotFound() }
            let old = Self.details(of: booking)
            if let id = new.coordinatorID, id != old.coordinatorID {
                let row = try c.query("SELECT role, active FROM staff_users WHERE id = $1", id).first
                let role: String? = try row?.decode("role"), active: Bool = try row?.decode("active") ?? false
                guard active, role == StaffRole.coordinator.rawValue || role == StaffRole.owner.rawValue else {
                    throw EventDetailsRefused(fields: ["coordinator": "Pick a coordinator from the list (an active coordinator or owner)."])
                }
            }
            try c.execute("""
                UPDATE bookings SET coordinator_id = $2, event_date = $3::date, event_start_time = $4::time, venue = $5, city = $6,
                       guests = $7, updated_at = now() WHERE id = $1
                """, booking.id, new.coordinatorID, new.eventDate.description, new.startTime.map(EventDetails.text), new.venue, new.city, new.guests)
            try AuditLogQueries.record(c, actor: actor.label, action: "staff.booking_details", entity: "booking", entityID: booking.publicID,
                                       details: Self.changes(old, new), ip: actor.client.ip, userAgent: actor.client.userAgent)
            if new.coordinatorID != old.coordinatorID {
                try c.execute("UPDATE tasks SET assignee_id = $2 WHERE booking_id = $1 AND assignee_role = 'coordinator' AND done_at IS NULL",
                              booking.id, new.coordinatorID)
            }
            guard new.isRescheduled(from: old), let moved = try BookingRepository.find(c, id: booking.id) else { return false }
            try moveDueDates(c, bookingID: booking.id, eventDate: new.eventDate, today: IST.day(of: now))
            try Reminders(configuration: configuration).plan(moved, on: c, now: now)
            let occurrence = "rescheduled:\(new.eventDate)T\(new.startTime.map(EventDetails.text) ?? "unset"):\(Int(now.timeIntervalSince1970))"
            try BookingNotifier(configuration: configuration).notify(c, moment: .eventRescheduled, booking: moved, occurrence: occurrence,
                                                                   extra: ["event_when": Self.when(new), "previous_when": Self.when(old)])
            try TimelineRepository.append(c, bookingID: booking.id, kind: "status", title: "Event rescheduled",
                                          body: "Your event is now on \(Self.when(new)).",
                                          data: try JSONB(encoding: ["event_date": new.eventDate.description,
                                                                     "start_time": new.startTime.map(EventDetails.text) ?? ""]))
            return true
        }
    }

    /// Open milestones whose due rule follows the event date get their new due day.
    func moveDueDates(_ c: Connection, bookingID: Int64, eventDate: CalendarDay, today: CalendarDay) throws {
        let rows = try c.query("""
            SELECT m.id, m.due_rule FROM payment_milestones m JOIN proposals p ON p.id = m.proposal_id
            WHERE m.booking_id = $1 AND p.status <> 'superseded' AND m.status IN ('pending', 'link_issued', 'partially_paid', 'expired')
            """, bookingID)
        for row in rows {
            guard let due = EventDetailsForm.dueOn(rule: try row.decode("due_rule"), eventDate: eventDate, today: today) else { continue }
            try c.execute("UPDATE payment_milestones SET due_on = $2::date WHERE id = $1", try row.decode("id", as: Int64.self), due.description)
        }
    }

    /// "Sunday, 14 February 2027 at 6:30 pm IST", or the date alone while no time is agreed.
    static func when(_ d: EventDetails) -> String {
        NotificationFormat.date(d.eventDate) + (d.startTime.map { " at " + NotificationFormat.time($0) } ?? "")
    }

    static func changes(_ old: EventDetails, _ new: EventDetails) -> [String: String] {
        var c: [String: String] = [:]
        func note(_ key: String, _ a: String, _ b: String) { if a != b { c[key] = "\(a) -> \(b)" } }
        note("coordinator", old.coordinatorID.map(String.init) ?? "none", new.coordinatorID.map(String.init) ?? "none")
        note("event_date", old.eventDate.description, new.eventDate.description)
        note("start_time", old.startTime.map(EventDetails.text) ?? "none", new.startTime.map(EventDetails.text) ?? "none")
        note("venue", old.venue ?? "", new.venue ?? "")
        note("city", old.city, new.city)
        note("guests", String(old.guests), String(new.guests))
        return c
    }
}
