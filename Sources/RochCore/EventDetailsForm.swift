/// The facts of a booking's event the team agrees with the client: who coordinates, when, where, how many.
public struct EventDetails: Sendable, Equatable {
    public var coordinatorID: Int64?
    public var eventDate: CalendarDay
    public var startTime: TimeOfDay?
    public var venue: String?
    public var city: String
    public var guests: Int

    public init(coordinatorID: Int64?, eventDate: CalendarDay, startTime: TimeOfDay?, venue: String?, city: String, guests: Int) {
        self.coordinatorID = coordinatorID
        self.eventDate = eventDate
        self.startTime = startTime
        self.venue = venue
        self.city = city
        self.guests = guests
    }

    /// A new date or start time: reminders and the balance due date follow, and the client is told.
    public func isRescheduled(from old: EventDetails) -> Bool { eventDate != old.eventDate || startTime != old.startTime }

    /// "HH:MM", as the bookings table stores a start time.
    public static func text(_ time: TimeOfDay) -> String {
        (time.hour < 10 ? "0" : "") + "\(time.hour):" + (time.minute < 10 ? "0" : "") + "\(time.minute)"
    }
}

/// Reads the event details form: `coordinator` (a staff id, or empty for nobody), `event_date`
/// (YYYY-MM-DD), `start_time` (HH:MM in India, may be empty), `venue` (may be empty), `city`, `guests`.
/// A moved date must not be in the past; an unchanged one may be (a booking being closed).
public enum EventDetailsForm {
    public static let fields = ["coordinator", "event_date", "start_time", "venue", "city", "guests"]

    public static func parse(_ field: (String) -> String?, current: EventDetails, today: CalendarDay) -> Result<EventDetails, ValidationErrors> {
        func text(_ name: String) -> String { (field(name) ?? "").trimmingCharacters(in: .whitespacesAndNewlines) }
        var errors: [String: String] = [:]
        var coordinator: Int64?
        if !text("coordinator").isEmpty {
            coordinator = Int64(text("coordinator"))
            if coordinator == nil { errors["coordinator"] = "Pick a coordinator from the list." }
        }
        let date = CalendarDay(text("event_date"))
        if date == nil { errors["event_date"] = "Give the event date, e.g. 2027-02-14." }
        else if let date, date != current.eventDate, date < today { errors["event_date"] = "The new date cannot be in the past." }
        var start: TimeOfDay?
        if !text("start_time").isEmpty {
            start = LifecycleEventForm.timeOfDay(text("start_time"))
            if start == nil { errors["start_time"] = "Give the start time as hours and minutes, e.g. 18:30, or leave it empty." }
        }
        let venue = text("venue"), city = text("city")
        if venue.count > 200 { errors["venue"] = "Keep the venue under 200 characters." }
        if city.isEmpty { errors["city"] = "Give the city." } else if city.count > 100 { errors["city"] = "Keep the city under 100 characters." }
        let guests = Int(text("guests"))
        if guests == nil || !(1...100_000).contains(guests!) { errors["guests"] = "Give the number of guests, from 1 to 1,00,000." }
        guard errors.isEmpty, let date, let guests else { return .failure(ValidationErrors(fields: errors)) }
        return .success(EventDetails(coordinatorID: coordinator, eventDate: date, startTime: start,
                                     venue: venue.isEmpty ? nil : venue, city: city, guests: guests))
    }

    /// A milestone's due day when the event moves, for the rules that follow the date
    /// (`days_before_event:N`): N days before the new date, but never before `today`. Other rules: nil.
    public static func dueOn(rule: String, eventDate: CalendarDay, today: CalendarDay) -> CalendarDay? {
        guard rule.hasPrefix("days_before_event:"), let n = Int(rule.dropFirst("days_before_event:".count)), n >= 0 else { return nil }
        return max(eventDate.adding(days: -n), min(today, eventDate))
    }
}
