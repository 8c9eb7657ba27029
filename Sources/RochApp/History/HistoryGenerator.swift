import Foundation
import RochCore

/// Builds a `HistoryDataset` from a seed: the same seed, shape, day and coordinators give the
/// same rows. Bookings, their lifecycle, tasks and timeline here; money in HistoryMoney.swift,
/// vendors and messages in HistoryVendorsMessages.swift.
struct HistoryGenerator {
    let shape: HistoryShape
    let today: CalendarDay
    let now: Date
    let coordinators: [Int64]
    var rng: SeededRandom
    var data = HistoryDataset()
    /// Booking id -> the instant of each state it reached.
    var reached: [Int64: [BookingState: Date]] = [:]

    static let firstNames = ["Ananya", "Rohan", "Priya", "Arjun", "Kavya", "Vikram", "Meera", "Aditya", "Isha", "Karan", "Diya",
                             "Rahul", "Sneha", "Nikhil", "Pooja", "Siddharth", "Aisha", "Farhan", "Lakshmi", "Manoj", "Neha",
                             "Harpreet", "Gurpreet", "Tanvi", "Varun", "Zoya", "Rajesh", "Sunita", "Deepak", "Anjali"]
    static let lastNames = ["Sharma", "Iyer", "Mehta", "Khan", "Rao", "Nair", "Gupta", "Patel", "Reddy", "Singh", "Das", "Bose",
                            "Menon", "Kapoor", "Joshi", "Chatterjee", "Pillai", "Agarwal", "Malhotra", "Deshmukh", "Kulkarni"]
    static let venues = ["Lake Palace Lawns", "The Grand Ballroom", "Rambagh Gardens", "Seaside Terrace", "Heritage Haveli",
                         "Taj Banquets", "Royal Orchid Hall", "Green Meadows Farm", "Riverside Pavilion", "City Club Lawns"]

    init(shape: HistoryShape, seed: UInt64, today: CalendarDay, now: Date, coordinators: [Int64]) {
        self.shape = shape
        self.today = today
        self.now = now
        self.coordinators = coordinators
        rng = SeededRandom(seed: seed)
    }

    static func generate(shape: HistoryShape, seed: UInt64, today: CalendarDay, now: Date, coordinators: [Int64]) -> HistoryDataset {
        var g = HistoryGenerator(shape: shape, seed: seed, today: today, now: now, coordinators: coordinators)
        for index in 0..<shape.bookings { g.addBooking(index) }
        g.addFailedPaymentAttempts()
        g.numberReceipts()
        g.addVendors()
        g.addNotifications()
        g.orderInTime()
        return g.data
    }

    /// A day between `yearsBack` years ago and a year ahead, more often in the wedding seasons.
    mutating func eventDate() -> CalendarDay {
        let first = today.adding(days: -365 * shape.yearsBack), span = 365 * (shape.yearsBack + 1)
        while true {
            let day = first.adding(days: rng.int(0...span))
            if rng.unit() < HistoryDistribution.seasonWeight(month: day.month) { return day }
        }
    }

    mutating func addBooking(_ index: Int) {
        let id = Int64(index + 1)
        let date = eventDate()
        let days = today.days(until: date)
        var state = HistoryDistribution.state(daysToEvent: days, roll: rng.unit())
        // A few bookings always exist in every state, so even a small history covers them all.
        let all = BookingState.allCases
        if index < all.count * 2, index % 2 == 0 {
            state = all[index / 2]
        }
        let stopped = state == .cancelled ? HistoryDistribution.cancelledFrom(roll: rng.unit()) : state
        // Open enquiries are recent: older ones would have been called and moved on or closed.
        var created: Date
        if state == .enquiry && days >= 0 {
            created = now.addingTimeInterval(-Double(rng.int(30 * 60...9 * 86_400)))
        } else {
            let lead = rng.int(25...320)
            created = HistoryTime.at(date.adding(days: -lead), minutes: rng.int(8 * 60...22 * 60))
            if created > now { created = now.addingTimeInterval(-Double(rng.int(3_600...20 * 86_400))) }
        }
        let client = addClient(created: created)
        let type = rng.weighted(HistoryDistribution.eventTypes)
        let budget = rng.pick(HistoryDistribution.budgets)
        let coordinator = stopped == .enquiry && rng.chance(0.6) ? nil : (coordinators.isEmpty ? nil : rng.pick(coordinators))
        let confirmed = [.depositPaid, .activePreparation, .completed].contains(stopped)
        // Start times are agreed with confirmed bookings; a few near ones are still missing one.
        let startTime = confirmed && !(days >= 0 && days < 5 && rng.chance(0.3))
            ? String(format: "%02d:%02d", rng.pick([10, 11, 12, 16, 17, 18, 19, 20]), rng.pick([0, 0, 30])) : nil
        var booking = HistoryDataset.Booking(
            id: id, publicID: rng.publicID(), clientID: client, state: state, eventType: type, eventDate: date, startTime: startTime,
            city: rng.pick(HistoryDistribution.cities), venue: stopped == .enquiry ? nil : rng.pick(Self.venues),
            guests: rng.int(1...12) * 50, budget: budget, coordinatorID: coordinator, createdAt: created, updatedAt: created)
        let times = addLifecycle(&booking, stopped: stopped, cancelled: state == .cancelled)
        reached[id] = times
        data.bookings.append(booking)
        if times[.proposalSent] != nil { addProposal(booking, reached: times) }
    }

    mutating func addClient(created: Date) -> Int64 {
        // One client in ten comes back for another event.
        if !data.clients.isEmpty && rng.chance(0.1) { return rng.pick(data.clients).id }
        let id = Int64(data.clients.count + 1)
        let first = rng.pick(Self.firstNames), last = rng.pick(Self.lastNames)
        let email = rng.chance(0.7) ? "\(first.lowercased()).\(last.lowercased())\(id)@example.com" : nil
        data.clients.append(HistoryDataset.Client(id: id, phone: "+919" + String(format: "%09d", 100_000_000 + Int(id) * 37),
                                                  name: "\(first) \(last)", email: email, consent: rng.chance(0.85), createdAt: created))
        return id
    }

    /// Transitions along the happy path up to `stopped` (then a cancellation when `cancelled`),
    /// spread between the enquiry and the event (or now); tasks and timeline entries with them.
    mutating func addLifecycle(_ b: inout HistoryDataset.Booking, stopped: BookingState, cancelled: Bool) -> [BookingState: Date] {
        let path = HistoryDistribution.path(to: stopped)
        let eventStart = HistoryTime.at(b.eventDate, minutes: 18 * 60)
        let end = min(stopped == .completed ? eventStart.addingTimeInterval(86_400) : eventStart.addingTimeInterval(-86_400), now)
        var times: [BookingState: Date] = [.enquiry: b.createdAt]
        var previous: BookingState? = nil
        var at = b.createdAt
        for (step, state) in path.enumerated() {
            if step > 0 {
                // Each step takes part of what is left until the end, so steps stay in order.
                let remaining = max(0, end.timeIntervalSince(at))
                at = at.addingTimeInterval(remaining * (state == .completed ? 1 : rng.unit() * 0.45))
            }
            times[state] = at
            addTransition(b, from: previous, to: state, at: at, event: Self.event(to: state))
            previous = state
        }
        if cancelled {
            at = HistoryTime.between(at, max(at, end), &rng)
            addTransition(b, from: stopped, to: .cancelled, at: at, event: BookingEvent.cancel.rawValue)
            times[.cancelled] = at
        }
        b.updatedAt = at
        addTasks(b, path: path, times: times, finalAt: cancelled || stopped == .completed ? at : nil)
        return times
    }

    static func event(to state: BookingState) -> String {
        switch state {
        case .enquiry: return "create"
        case .discussion: return BookingEvent.discuss.rawValue
        case .proposalSent: return BookingEvent.sendProposal.rawValue
        case .depositPaid: return BookingEvent.depositPaid.rawValue
        case .activePreparation: return BookingEvent.startPreparation.rawValue
        case .completed: return BookingEvent.complete.rawValue
        case .cancelled: return BookingEvent.cancel.rawValue
        }
    }

    mutating func addTransition(_ b: HistoryDataset.Booking, from: BookingState?, to: BookingState, at: Date, event: String) {
        let actor = to == .depositPaid ? "razorpay" : (to == .enquiry ? "client" : "staff:\(b.coordinatorID ?? 1)")
        data.transitions.append(HistoryDataset.Transition(bookingID: b.id, from: from, to: to, event: event, actor: actor, at: at))
        let title: String
        switch to {
        case .enquiry: title = "Enquiry received"
        case .discussion: title = "Discussion scheduled"
        case .proposalSent: title = "Proposal sent"
        case .depositPaid: title = "Booking confirmed"
        case .activePreparation: title = "Preparations under way"
        case .completed: title = "Event completed"
        case .cancelled: title = "Booking cancelled"
        }
        data.timeline.append(HistoryDataset.TimelineEntry(bookingID: b.id, kind: "status", title: title, createdAt: at))
    }

    /// The lifecycle's tasks for each state reached: done once the booking moved on (or ended),
    /// open for the state it is in. The first call is done within hours, except for some of the
    /// open enquiries (the dashboard's "not called within 24 h").
    mutating func addTasks(_ b: HistoryDataset.Booking, path: [BookingState], times: [BookingState: Date], finalAt: Date?) {
        let templates: [BookingState: [(String, String, Int)]] = [
            .enquiry: [("Call the client within 24 h", "sales", 24)],
            .discussion: [("Prepare proposal", "coordinator", 72)],
            .proposalSent: [("Follow up on the proposal", "coordinator", 72)],
            .depositPaid: [("Book vendors", "coordinator", 72), ("Issue deposit invoice", "accounts", 24)],
            .activePreparation: [("Confirm every vendor's milestones", "coordinator", 48)],
            .completed: [("Settle vendor payments", "accounts", 168)],
        ]
        for (step, state) in path.enumerated() {
            guard let start = times[state] else { continue }
            let nextAt = step + 1 < path.count ? times[path[step + 1]] : finalAt
            for (title, role, hours) in templates[state] ?? [] {
                let due = start.addingTimeInterval(Double(hours) * 3_600)
                var done: Date?
                if state == .enquiry {
                    let movedOn = nextAt != nil || b.eventDate < today
                    done = movedOn || rng.chance(0.5) ? start.addingTimeInterval(Double(rng.int(600...30 * 3_600))) : nil
                    if let d = done, d > now { done = nil }
                } else if let nextAt {
                    done = HistoryTime.between(start, nextAt, &rng)
                } else if b.eventDate < today || rng.chance(0.7) {
                    done = min(now, start.addingTimeInterval(Double(rng.int(3_600...hours * 3_600))))
                }
                data.tasks.append(HistoryDataset.Task(bookingID: b.id, title: title, role: role,
                                                      assigneeID: role == "coordinator" ? b.coordinatorID : nil,
                                                      dueAt: due, doneAt: done, createdAt: start))
            }
        }
    }

    /// Gives ids in time order to the rows that happen in time.
    mutating func orderInTime() {
        func renumber<T>(_ rows: inout [T], _ at: (T) -> Date, _ set: (inout T, Int64) -> Void) {
            let order = rows.indices.sorted { (at(rows[$0]), $0) < (at(rows[$1]), $1) }
            rows = order.map { rows[$0] }
            for i in rows.indices { set(&rows[i], Int64(i + 1)) }
        }
        renumber(&data.transitions, \.at) { $0.id = $1 }
        renumber(&data.tasks, \.createdAt) { $0.id = $1 }
        renumber(&data.timeline, \.createdAt) { $0.id = $1 }
        renumber(&data.notifications, \.createdAt) { $0.id = $1 }
    }
}
