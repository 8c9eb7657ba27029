/// A small seeded generator (SplitMix64): the same seed gives the same numbers on every machine,
/// which is what makes `roch seed --history` reproducible.
public struct SeededRandom: RandomNumberGenerator, Sendable {
    private var state: UInt64

    public init(seed: UInt64) { state = seed }

    public mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    /// Uniform in 0..<1.
    public mutating func unit() -> Double { Double(next() >> 11) / Double(1 << 53) }

    /// True with probability `p`.
    public mutating func chance(_ p: Double) -> Bool { unit() < p }

    public mutating func int(_ range: ClosedRange<Int>) -> Int { Int.random(in: range, using: &self) }

    public mutating func pick<T>(_ items: [T]) -> T { items[Int.random(in: 0..<items.count, using: &self)] }

    /// An item chosen with probability proportional to its weight.
    public mutating func weighted<T>(_ items: [(T, Double)]) -> T {
        let total = items.reduce(0) { $0 + $1.1 }
        var roll = unit() * total
        for (item, weight) in items {
            if roll < weight { return item }
            roll -= weight
        }
        return items[items.count - 1].0
    }
}

/// How big a generated history is. `fiveYears` is the contract of `roch seed --history 5y`.
public struct HistoryShape: Sendable, Equatable {
    public var bookings: Int
    /// Rows in `payments` (captured instalments and failed attempts).
    public var payments: Int
    public var notifications: Int
    public var vendorAssignments: Int
    /// Years of past events; one more year of events lies ahead.
    public var yearsBack: Int

    public init(bookings: Int, payments: Int, notifications: Int, vendorAssignments: Int, yearsBack: Int = 5) {
        self.bookings = bookings
        self.payments = payments
        self.notifications = notifications
        self.vendorAssignments = vendorAssignments
        self.yearsBack = yearsBack
    }

    public static let fiveYears = HistoryShape(bookings: 2_000, payments: 20_000, notifications: 100_000, vendorAssignments: 10_000)

    /// The same proportions at `fraction` of the size (at least one of each), for tests.
    public func scaled(_ fraction: Double) -> HistoryShape {
        func s(_ n: Int) -> Int { max(1, Int((Double(n) * fraction).rounded())) }
        return HistoryShape(bookings: s(bookings), payments: s(payments), notifications: s(notifications),
                            vendorAssignments: s(vendorAssignments), yearsBack: yearsBack)
    }
}

/// The shape of Roch's business as the generated history follows it: when events happen (wedding
/// seasons), where, what kind, and how far along a booking is given when its event is.
public enum HistoryDistribution {
    /// Relative number of events per calendar month: the winter wedding season (November to
    /// February) is the peak, April–May a second season, the monsoon (June to August) quiet.
    public static func seasonWeight(month: Int) -> Double {
        switch month {
        case 11, 12: return 1.0
        case 1, 2: return 0.85
        case 3: return 0.45
        case 4, 5: return 0.6
        case 6, 7, 8: return 0.15
        case 9: return 0.25
        default: return 0.5   // October: Navratri, Diwali parties
        }
    }

    public static let cities = ["Mumbai", "Delhi", "Jaipur", "Udaipur", "Bengaluru", "Hyderabad", "Chennai", "Kolkata", "Pune",
                                "Goa", "Ahmedabad", "Lucknow", "Chandigarh", "Kochi", "Jodhpur", "Indore"]

    public static let eventTypes: [(String, Double)] = [
        ("wedding", 0.42), ("sangeet", 0.1), ("engagement", 0.1), ("reception", 0.08), ("birthday", 0.1),
        ("corporate", 0.1), ("anniversary", 0.06), ("baby_shower", 0.04),
    ]

    public static let budgets = ["under_5l", "5l_10l", "10l_25l", "25l_50l", "above_50l"]

    /// A typical proposal total for a budget band, in rupees (range to draw from).
    public static func proposalRupees(budget: String) -> ClosedRange<Int64> {
        switch budget {
        case "under_5l": return 150_000...500_000
        case "5l_10l": return 500_000...1_000_000
        case "10l_25l": return 1_000_000...2_500_000
        case "25l_50l": return 2_500_000...5_000_000
        default: return 5_000_000...12_000_000
        }
    }

    /// Where a booking stands given its event's distance from today (negative = past) and a uniform
    /// roll in 0..<1. Past events are mostly completed or cancelled, a few leads went cold where they
    /// stopped; events ahead are spread over the pipeline, the near ones mostly in preparation.
    public static func state(daysToEvent: Int, roll: Double) -> BookingState {
        if daysToEvent < 0 {
            let table: [(BookingState, Double)] = [(.completed, 0.80), (.cancelled, 0.13), (.enquiry, 0.02), (.discussion, 0.02),
                                                   (.proposalSent, 0.03)]
            return pick(table, roll)
        }
        if daysToEvent <= 30 {
            return pick([(.activePreparation, 0.62), (.depositPaid, 0.16), (.proposalSent, 0.06), (.discussion, 0.03),
                         (.enquiry, 0.05), (.cancelled, 0.08)], roll)
        }
        if daysToEvent <= 120 {
            return pick([(.activePreparation, 0.3), (.depositPaid, 0.3), (.proposalSent, 0.14), (.discussion, 0.1),
                         (.enquiry, 0.08), (.cancelled, 0.08)], roll)
        }
        return pick([(.depositPaid, 0.25), (.proposalSent, 0.2), (.discussion, 0.2), (.enquiry, 0.25), (.cancelled, 0.1)], roll)
    }

    /// The state a cancelled booking was in when it was cancelled.
    public static func cancelledFrom(roll: Double) -> BookingState {
        pick([(.enquiry, 0.35), (.discussion, 0.25), (.proposalSent, 0.2), (.depositPaid, 0.15), (.activePreparation, 0.05)], roll)
    }

    static func pick(_ table: [(BookingState, Double)], _ roll: Double) -> BookingState {
        var rest = roll * table.reduce(0) { $0 + $1.1 }
        for (state, weight) in table {
            if rest < weight { return state }
            rest -= weight
        }
        return table[table.count - 1].0
    }

    /// The happy path up to and including `state` (cancelled bookings: up to where they stopped).
    public static func path(to state: BookingState) -> [BookingState] {
        let happy: [BookingState] = [.enquiry, .discussion, .proposalSent, .depositPaid, .activePreparation, .completed]
        guard let end = happy.firstIndex(of: state) else { return [] }
        return Array(happy[...end])
    }

    /// Meta's error texts as the worker records failed WhatsApp messages.
    public static let whatsAppFailures = [
        "WhatsApp 131026: Message undeliverable (the number is not on WhatsApp)",
        "WhatsApp 131047: Re-engagement message: more than 24 hours since the customer last replied",
        "WhatsApp 131049: Meta chose not to deliver this marketing message",
        "WhatsApp 131051: Unsupported message type",
        "WhatsApp 132001: Template name does not exist in the translation",
    ]

    public static let skipReasons = [
        "skipped: no WhatsApp consent", "skipped: stale: due 12 Nov 2025 18:00", "skipped: WhatsApp not configured",
        "skipped: no email address",
    ]
}
