import Foundation
import RochCore

/// A booking as every dashboard panel names it (and links to it).
public struct DashboardBooking: Sendable, Equatable {
    public var id: Int64
    public var publicID: String
    public var state: BookingState
    public var clientName: String
    public var eventType: String
    public var eventDate: CalendarDay
}

/// An enquiry nobody has called: in enquiry for over 24 h and its "Call the client" task not done.
public struct UncalledEnquiry: Sendable, Equatable {
    public var booking: DashboardBooking
    public var clientPhone: String
    public var enquiredAt: Date
    /// Whole hours since the enquiry came in.
    public var hoursWaiting: Int
}

/// A milestone the Razorpay webhook flagged (amount or currency mismatch, over-payment, paid after cancellation).
public struct FlaggedPayment: Sendable, Equatable {
    public var booking: DashboardBooking
    public var milestonePublicID: String
    public var label: String
    public var amount: Money
    public var paid: Money
    public var flag: String
    public var flaggedAt: Date?
}

/// A blocked vendor assignment of an event in the next 14 days.
public struct UpcomingBlockedVendor: Sendable, Equatable {
    public var booking: DashboardBooking
    public var daysToEvent: Int
    public var blocked: BlockedVendorAssignment
}

/// A message that failed for good and was not retried (its row is still `failed`).
public struct FailedMessage: Sendable, Equatable {
    public var id: Int64
    public var booking: DashboardBooking?
    public var moment: String
    public var channel: String
    public var recipientRole: String
    public var recipientName: String?
    public var address: String?
    /// Meta's or the mail server's words.
    public var error: String?
    public var attempts: Int
    public var failedAt: Date
}

/// An open task past its due time.
public struct OverdueTask: Sendable, Equatable {
    public var id: Int64
    public var booking: DashboardBooking
    public var title: String
    public var assigneeRole: String
    public var assigneeName: String?
    public var dueAt: Date
    /// Whole hours past due.
    public var hoursOverdue: Int
}

/// A booking whose event is less than 3 days away without an agreed start time.
public struct MissingStartTime: Sendable, Equatable {
    public var booking: DashboardBooking
    public var daysToEvent: Int
    public var coordinatorName: String?
}

/// "Needs attention", first on the dashboard: each list empties as its items are fixed.
public struct NeedsAttention: Sendable, Equatable {
    /// Oldest enquiry first.
    public var uncalledEnquiries: [UncalledEnquiry]
    /// Most overdue first.
    public var overduePayments: [OutstandingPayment]
    /// Newest flag first.
    public var flaggedPayments: [FlaggedPayment]
    /// Soonest event first.
    public var blockedVendors: [UpcomingBlockedVendor]
    /// Newest first, at most `DashboardQueries.attentionLimit`; `failedMessagesTotal` counts them all.
    public var failedMessages: [FailedMessage]
    public var failedMessagesTotal: Int
    /// Most overdue first, at most `DashboardQueries.attentionLimit`; `overdueTasksTotal` counts them all.
    public var overdueTasks: [OverdueTask]
    public var overdueTasksTotal: Int
    /// Soonest event first.
    public var missingStartTimes: [MissingStartTime]

    public var isEmpty: Bool {
        uncalledEnquiries.isEmpty && overduePayments.isEmpty && flaggedPayments.isEmpty && blockedVendors.isEmpty
            && failedMessagesTotal == 0 && overdueTasksTotal == 0 && missingStartTimes.isEmpty
    }
}

/// An unpaid milestone (pending, link issued, partly paid or link expired) of a booking that is not cancelled.
public struct OutstandingPayment: Sendable, Equatable {
    public var booking: DashboardBooking
    public var clientPhone: String
    public var milestonePublicID: String
    public var sequence: Int
    public var label: String
    public var amount: Money
    public var paid: Money
    /// amount − paid.
    public var outstanding: Money
    public var dueOn: CalendarDay
    public var status: PaymentMilestoneStatus
    public var urgency: PaymentUrgency
    /// When a payment reminder for this milestone last went out (sent, delivered or read); nil if never.
    public var lastReminderAt: Date?
    public var flag: String?
}

/// An event on the agenda or the calendar.
public struct DashboardEvent: Sendable, Equatable {
    public var booking: DashboardBooking
    /// "HH:MM" in India; nil until agreed.
    public var startTime: String?
    public var city: String
    public var venue: String?
    public var guests: Int
    public var coordinatorName: String?
    public var daysToEvent: Int
    /// Shown for events in their final 14 days (`readiness.isInFinalDays`).
    public var readiness: EventReadiness
}

/// Collected (receipts issued), invoiced (milestones falling due) and still outstanding of those.
public struct RevenueFigures: Sendable, Equatable {
    public var collected: Money
    public var invoiced: Money
    public var outstanding: Money

    public init(collected: Money = .zero, invoiced: Money = .zero, outstanding: Money = .zero) {
        self.collected = collected
        self.invoiced = invoiced
        self.outstanding = outstanding
    }

    static func + (a: RevenueFigures, b: RevenueFigures) -> RevenueFigures {
        RevenueFigures(collected: a.collected + b.collected, invoiced: a.invoiced + b.invoiced, outstanding: a.outstanding + b.outstanding)
    }
}

/// One month or financial-year quarter with the same period a year earlier.
public struct RevenuePeriod: Sendable, Equatable {
    /// "2026-12" or "Q3 2026-27".
    public var label: String
    public var firstDay: CalendarDay
    public var lastDay: CalendarDay
    public var figures: RevenueFigures
    public var sameTimeLastYear: RevenueFigures
}

/// Revenue by month (oldest first) and by quarter of the Indian financial year (oldest first).
public struct RevenueReport: Sendable, Equatable {
    public var months: [RevenuePeriod]
    public var quarters: [RevenuePeriod]
}

/// One month of the cash-flow forecast.
public struct CashFlowMonth: Sendable, Equatable {
    public var month: CalendarMonth
    /// What clients still owe on milestones due this month (from today on).
    public var clientMilestonesDue: Money
    /// What Roch still owes vendors with payment due this month (from today on).
    public var vendorPayablesDue: Money
    public var net: Money { clientMilestonesDue - vendorPayablesDue }
}

/// The next months' money in and out, with what is already overdue on each side kept apart.
public struct CashFlowForecast: Sendable, Equatable {
    public var overdueFromClients: Money
    public var overdueToVendors: Money
    public var months: [CashFlowMonth]
}

/// The vendors of one active event (deposit paid or in preparation).
public struct EventVendorStatus: Sendable, Equatable {
    public var booking: DashboardBooking
    public var daysToEvent: Int
    /// Assignments by status (statuses with none are absent).
    public var counts: [VendorAssignmentStatus: Int]
    /// With reasons and root causes, by assignment id.
    public var blocked: [BlockedVendorAssignment]
}

/// What the notification log is asked for; nil / empty means any.
public struct NotificationLogFilter: Sendable, Equatable {
    public static let defaultPageSize = 50
    public static let maximumPageSize = 200

    public var bookingPublicID: String?
    public var moment: String?
    public var status: String?
    public var channel: String?
    /// Created on or after this day in India.
    public var from: CalendarDay?
    /// Created on or before this day in India.
    public var to: CalendarDay?
    /// 1-based.
    public var page: Int
    public var pageSize: Int

    public init(bookingPublicID: String? = nil, moment: String? = nil, status: String? = nil, channel: String? = nil,
                from: CalendarDay? = nil, to: CalendarDay? = nil, page: Int = 1, pageSize: Int = NotificationLogFilter.defaultPageSize) {
        self.bookingPublicID = bookingPublicID
        self.moment = moment
        self.status = status
        self.channel = channel
        self.from = from
        self.to = to
        self.page = page
        self.pageSize = pageSize
    }

    public var effectivePage: Int { min(max(1, page), 100_000) }
    public var effectivePageSize: Int { min(max(1, pageSize), Self.maximumPageSize) }
}

/// One page of the notification log, newest first.
public struct NotificationLogPage: Sendable, Equatable {
    public var entries: [NotificationLogEntry]
    public var page: Int
    public var pageSize: Int
    public var hasNextPage: Bool
}

/// Everything the dashboard shows, read for one moment.
public struct Dashboard: Sendable, Equatable {
    public var today: CalendarDay
    public var needsAttention: NeedsAttention
    /// The next 60 days, soonest first.
    public var upcoming: [DashboardEvent]
    /// This month's events, by day.
    public var calendar: [DashboardEvent]
    public var revenue: RevenueReport
    public var cashFlow: CashFlowForecast
    /// Every unpaid milestone, soonest due first.
    public var outstanding: [OutstandingPayment]
    /// Active events, soonest first.
    public var vendorStatus: [EventVendorStatus]
    /// The log's first page.
    public var notifications: NotificationLogPage
}
