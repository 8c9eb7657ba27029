import Foundation

/// How pressing an unpaid milestone is: the dashboard shows overdue in red, due within 7 days in amber.
public enum PaymentUrgency: String, Sendable, Codable, CaseIterable, Hashable {
    /// The due date has passed (due yesterday or earlier).
    case overdue
    /// Due today or within the next 7 days.
    case dueWithinWeek = "due_within_week"
    /// Due later than 7 days from today.
    case later

    /// Days ahead that still count as "due soon".
    public static let soonDays = 7

    /// The urgency of a milestone due on `dueOn`, seen on `today` (both days in India).
    public init(dueOn: CalendarDay, today: CalendarDay) {
        let days = today.days(until: dueOn)
        if days < 0 { self = .overdue } else if days <= Self.soonDays { self = .dueWithinWeek } else { self = .later }
    }

    /// Words that carry the meaning without colour ("Overdue", "Due within 7 days", "Due later").
    public var label: String {
        switch self {
        case .overdue: return "Overdue"
        case .dueWithinWeek: return "Due within 7 days"
        case .later: return "Due later"
        }
    }
}

/// A quarter of the Indian financial year: Q1 April–June, Q2 July–September, Q3 October–December,
/// Q4 January–March (of the calendar year after the financial year began).
public struct FinancialQuarter: Sendable, Hashable, Comparable, CustomStringConvertible {
    public let year: FinancialYear
    /// 1...4.
    public let quarter: Int

    public init?(year: FinancialYear, quarter: Int) {
        guard (1...4).contains(quarter) else { return nil }
        self.year = year
        self.quarter = quarter
    }

    /// The quarter a day belongs to.
    public static func containing(_ day: CalendarDay) -> FinancialQuarter {
        let year = FinancialYear.containing(day)
        // April = month 1 of the financial year.
        let monthOfYear = (day.month + 8) % 12 + 1
        return FinancialQuarter(year: year, quarter: (monthOfYear - 1) / 3 + 1)!
    }

    public var firstDay: CalendarDay {
        let month = 4 + (quarter - 1) * 3
        return month <= 12 ? CalendarDay(year: year.startYear, month: month, day: 1)!
                           : CalendarDay(year: year.startYear + 1, month: month - 12, day: 1)!
    }

    public var lastDay: CalendarDay { next.firstDay.adding(days: -1) }

    public var next: FinancialQuarter {
        quarter == 4 ? FinancialQuarter(year: FinancialYear(startYear: year.startYear + 1), quarter: 1)!
                     : FinancialQuarter(year: year, quarter: quarter + 1)!
    }

    public var previous: FinancialQuarter {
        quarter == 1 ? FinancialQuarter(year: FinancialYear(startYear: year.startYear - 1), quarter: 4)!
                     : FinancialQuarter(year: year, quarter: quarter - 1)!
    }

    /// The same quarter of the financial year before.
    public var sameQuarterLastYear: FinancialQuarter {
        FinancialQuarter(year: FinancialYear(startYear: year.startYear - 1), quarter: quarter)!
    }

    /// "Q3 2026-27".
    public var description: String { "Q\(quarter) \(year.label)" }

    public static func < (lhs: FinancialQuarter, rhs: FinancialQuarter) -> Bool {
        (lhs.year.startYear, lhs.quarter) < (rhs.year.startYear, rhs.quarter)
    }
}

/// A calendar month (for revenue and cash-flow figures), "2026-12".
public struct CalendarMonth: Sendable, Hashable, Comparable, CustomStringConvertible {
    public let year: Int
    /// 1...12.
    public let month: Int

    public init?(year: Int, month: Int) {
        guard (1...9999).contains(year), (1...12).contains(month) else { return nil }
        self.year = year
        self.month = month
    }

    public init(containing day: CalendarDay) { year = day.year; month = day.month }

    public var firstDay: CalendarDay { CalendarDay(year: year, month: month, day: 1)! }
    public var lastDay: CalendarDay { CalendarDay(year: year, month: month, day: CalendarDay.daysIn(month: month, year: year))! }

    /// The month `count` months later (earlier when negative).
    public func adding(months count: Int) -> CalendarMonth {
        let index = year * 12 + (month - 1) + count
        return CalendarMonth(year: index / 12, month: index % 12 + 1)!
    }

    /// "2026-12".
    public var description: String { "\(year)-\(month < 10 ? "0" : "")\(month)" }

    public static func < (lhs: CalendarMonth, rhs: CalendarMonth) -> Bool { (lhs.year, lhs.month) < (rhs.year, rhs.month) }
}

/// Whether an event in its final fortnight is ready: vendors confirmed, balance paid, the client's
/// timeline updated recently. What is missing is said in words, for the small readiness bar.
public struct EventReadiness: Sendable, Equatable {
    /// Readiness is judged for events this close (the issue's "final 14 days").
    public static let finalDays = 14
    /// The client's timeline counts as up to date when it moved this recently.
    public static let timelineFreshDays = 7

    /// Vendors not cancelled.
    public var vendors: Int
    /// Of those, confirmed, in progress or delivered.
    public var vendorsConfirmed: Int
    /// What the client still owes on milestones of the booking (never negative).
    public var balanceUnpaid: Money
    /// The day in India of the newest timeline entry, nil when there is none.
    public var lastTimelineDay: CalendarDay?
    /// Days from today to the event (0 = today).
    public var daysToEvent: Int
    /// The day the readiness was judged on.
    public var today: CalendarDay

    public init(vendors: Int, vendorsConfirmed: Int, balanceUnpaid: Money, lastTimelineDay: CalendarDay?, daysToEvent: Int,
                today: CalendarDay) {
        self.vendors = vendors
        self.vendorsConfirmed = vendorsConfirmed
        self.balanceUnpaid = balanceUnpaid
        self.lastTimelineDay = lastTimelineDay
        self.daysToEvent = daysToEvent
        self.today = today
    }

    /// The event is within its final 14 days (today included), when readiness is shown.
    public var isInFinalDays: Bool { (0...Self.finalDays).contains(daysToEvent) }
    public var vendorsReady: Bool { vendorsConfirmed == vendors }
    public var balancePaid: Bool { balanceUnpaid.paise <= 0 }
    public var timelineUpToDate: Bool {
        guard let last = lastTimelineDay else { return false }
        return last.days(until: today) <= Self.timelineFreshDays
    }

    /// Out of 3: one for each of vendors, balance and timeline.
    public var score: Int { [vendorsReady, balancePaid, timelineUpToDate].filter { $0 }.count }

    /// What is missing, in words; empty when the event is ready.
    public var missing: [String] {
        var out: [String] = []
        if !vendorsReady {
            let open = vendors - vendorsConfirmed
            out.append("\(open) of \(vendors) vendor\(vendors == 1 ? "" : "s") not confirmed")
        }
        if !balancePaid { out.append("\(balanceUnpaid.inr) balance unpaid") }
        if !timelineUpToDate {
            out.append(lastTimelineDay == nil ? "client timeline empty"
                       : "client timeline not updated for \(lastTimelineDay!.days(until: today)) days")
        }
        return out
    }
}
