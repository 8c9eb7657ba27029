/// Where a booking stands on the client portal's progress bar, and what comes next.
public struct PortalProgress: Sendable, Equatable {
    public struct Step: Sendable, Equatable {
        public let state: BookingState
        public let label: String
        /// "done", "current" or "upcoming" (cancelled bookings show every step as done or upcoming).
        public let position: String
    }

    public let state: BookingState
    /// The step the bar stops at: the state itself, or for a cancelled booking the state it was cancelled from.
    public let ordinal: Int?
    public let steps: [Step]

    /// The happy path in order (enquiry ... completed).
    public static let path: [BookingState] = BookingState.allCases.filter { $0.ordinal != nil }.sorted { $0.ordinal! < $1.ordinal! }

    public init(state: BookingState, cancelledFrom: BookingState? = nil) {
        self.state = state
        let reached = state == .cancelled ? cancelledFrom?.ordinal : state.ordinal
        ordinal = state.ordinal
        steps = Self.path.map { step in
            let o = step.ordinal!
            let position: String
            if let reached, o < reached || (o == reached && state == .cancelled) { position = "done" }
            else if let reached, o == reached { position = state == .completed ? "done" : "current" }
            else { position = "upcoming" }
            return Step(state: step, label: step.label, position: position)
        }
    }

    /// One dated thing the client can look forward to (or must act on).
    public struct Upcoming: Sendable, Equatable, Comparable {
        public let kind: String
        public let title: String
        public let date: CalendarDay

        public init(kind: String, title: String, date: CalendarDay) {
            self.kind = kind; self.title = title; self.date = date
        }

        public static func < (a: Upcoming, b: Upcoming) -> Bool { (a.date, a.kind, a.title) < (b.date, b.kind, b.title) }
    }

    /// What lies ahead from `today`: dated items on or after today, soonest first; the event itself
    /// is included while the booking is live.
    public static func upcoming(state: BookingState, eventDate: CalendarDay, eventTitle: String, items: [Upcoming],
                                today: CalendarDay) -> [Upcoming] {
        var all = items.filter { $0.date >= today }
        if !state.isFinal && eventDate >= today { all.append(Upcoming(kind: "event", title: eventTitle, date: eventDate)) }
        return all.sorted()
    }
}
