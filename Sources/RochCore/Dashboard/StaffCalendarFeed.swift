import Foundation

/// Which bookings a staff member's calendar feed carries: everything (owner, accounts), or only the
/// bookings they coordinate (coordinators: their scope for acting on a booking in StaffPermissions).
public enum CalendarFeedScope: Sendable, Equatable {
    case all
    case coordinatedBy(Int64)

    public static func of(role: StaffRole, staffID: Int64) -> CalendarFeedScope {
        StaffPermissions.scope(role, .actOnBooking) == .coordinatedBookings ? .coordinatedBy(staffID) : .all
    }
}

/// An event as the feed shows it.
public struct CalendarFeedEvent: Sendable, Equatable {
    public var bookingPublicID: String
    public var day: CalendarDay
    public var clientName: String
    public var eventType: String
    public var state: BookingState
    /// "HH:MM" in India; nil until agreed.
    public var startTime: String?
    public var venue: String?
    public var city: String
    public var guests: Int
    public var coordinatorName: String?

    public init(bookingPublicID: String, day: CalendarDay, clientName: String, eventType: String, state: BookingState,
                startTime: String?, venue: String?, city: String, guests: Int, coordinatorName: String?) {
        self.bookingPublicID = bookingPublicID
        self.day = day
        self.clientName = clientName
        self.eventType = eventType
        self.state = state
        self.startTime = startTime
        self.venue = venue
        self.city = city
        self.guests = guests
        self.coordinatorName = coordinatorName
    }
}

/// An unpaid client milestone as the feed shows it: its own all-day entry on its due date.
public struct CalendarFeedPayment: Sendable, Equatable {
    public var milestonePublicID: String
    public var bookingPublicID: String
    public var dueOn: CalendarDay
    public var label: String
    public var outstanding: Money
    public var clientName: String
    public var eventType: String

    public init(milestonePublicID: String, bookingPublicID: String, dueOn: CalendarDay, label: String, outstanding: Money,
                clientName: String, eventType: String) {
        self.milestonePublicID = milestonePublicID
        self.bookingPublicID = bookingPublicID
        self.dueOn = dueOn
        self.label = label
        self.outstanding = outstanding
        self.clientName = clientName
        self.eventType = eventType
    }
}

/// What a staff member's feed holds and how each entry reads: the window of days, and the events
/// and payment due dates as `CalendarFeedEntry`s with UIDs that never change for the same thing.
public enum StaffCalendarFeed {
    /// Past events stay for 30 days; the feed looks 18 months ahead.
    public static func window(today: CalendarDay) -> (from: CalendarDay, through: CalendarDay) {
        let ahead = CalendarMonth(containing: today).adding(months: 18)
        let through = CalendarDay(year: ahead.year, month: ahead.month, day: min(today.day, ahead.lastDay.day)) ?? ahead.lastDay
        return (today.adding(days: -30), through)
    }

    public static func entries(events: [CalendarFeedEvent], payments: [CalendarFeedPayment], siteURL: String) -> [CalendarFeedEntry] {
        let host = URL(string: siteURL)?.host ?? "roch-events"
        func page(_ publicID: String) -> String { "\(siteURL)/admin/bookings/\(publicID)" }
        let eventEntries = events.map { e -> CalendarFeedEntry in
            let kind = EventType(rawValue: e.eventType)?.label ?? e.eventType
            let place = [e.venue, e.city].compactMap { $0 }.filter { !$0.isEmpty }.joined(separator: ", ")
            let lines = ["State: \(e.state.label)",
                         "Starts: \(e.startTime ?? "time to agree")",
                         "Venue: \(e.venue ?? "to confirm"), \(e.city)",
                         "Guests: \(e.guests)",
                         "Coordinator: \(e.coordinatorName ?? "none yet")",
                         "Booking: \(page(e.bookingPublicID))"]
            return CalendarFeedEntry(uid: "event-\(e.bookingPublicID)@\(host)", day: e.day,
                                     summary: "\(kind): \(e.clientName) (\(e.state.label))",
                                     description: lines.joined(separator: "\n"), location: place.isEmpty ? nil : place,
                                     url: page(e.bookingPublicID))
        }
        let paymentEntries = payments.map { p -> CalendarFeedEntry in
            let kind = EventType(rawValue: p.eventType)?.label ?? p.eventType
            return CalendarFeedEntry(uid: "payment-\(p.milestonePublicID)@\(host)", day: p.dueOn,
                                     summary: "Payment due: \(p.label) \(p.outstanding.inr), \(p.clientName)",
                                     description: "\(p.label): \(p.outstanding.inr) still to pay by \(p.clientName) for the \(kind.lowercased()).\nBooking: \(page(p.bookingPublicID))",
                                     url: page(p.bookingPublicID))
        }
        return (eventEntries + paymentEntries).sorted { ($0.day, $0.uid) < ($1.day, $1.uid) }
    }
}
