import Foundation
import RochCore

/// The reads behind the staff dashboard, one function per panel, each a plain value. Days are
/// days in India; `now` is passed in so that a page, a test and a bench all see one moment.
/// Revenue, cash flow and the notification log are in DashboardMoney.swift.
public enum DashboardQueries {
    /// Failed messages and overdue tasks listed at most (their totals are counted in full).
    public static let attentionLimit = 50
    /// Days ahead on the agenda.
    public static let agendaDays = 60
    /// Blocked vendors are raised for events this close.
    public static let blockedWithinDays = 14
    /// Events closer than this without a start time are raised.
    public static let startTimeWithinDays = 3

    /// Milestone statuses that still expect money.
    static let openStatuses = "('pending', 'link_issued', 'partially_paid', 'expired')"

    /// The whole dashboard: every panel, read inside one REPEATABLE READ transaction so the
    /// panels agree with each other.
    public static func load(_ c: Connection, now: Date = Date()) throws -> Dashboard {
        let today = IST.day(of: now)
        return try c.transaction(.repeatableRead) { c in
            let outstanding = try outstandingPayments(c, today: today)
            let vendors = try vendorStatus(c, today: today)
            return Dashboard(
                today: today,
                needsAttention: try needsAttention(c, now: now, outstanding: outstanding, vendorStatus: vendors),
                upcoming: try upcomingEvents(c, today: today), calendar: try monthCalendar(c, month: CalendarMonth(containing: today), today: today),
                revenue: try revenue(c, today: today), cashFlow: try cashFlow(c, today: today), outstanding: outstanding,
                vendorStatus: vendors, notifications: try notificationLog(c, NotificationLogFilter()))
        }
    }

    // MARK: Needs attention

    /// Every item needing attention at `now`. `outstanding` and `vendorStatus` may be passed when
    /// already read (the whole dashboard reads them once).
    public static func needsAttention(_ c: Connection, now: Date, outstanding: [OutstandingPayment]? = nil,
                                      vendorStatus: [EventVendorStatus]? = nil) throws -> NeedsAttention {
        let today = IST.day(of: now)
        let overdue = try (outstanding ?? outstandingPayments(c, today: today)).filter { $0.urgency == .overdue }
        let events = try vendorStatus ?? self.vendorStatus(c, today: today)
        let blocked = events.filter { (0...blockedWithinDays).contains($0.daysToEvent) }.flatMap { e in
            e.blocked.map { UpcomingBlockedVendor(booking: e.booking, daysToEvent: e.daysToEvent, blocked: $0) }
        }
        let failed = try failedMessages(c)
        let tasks = try overdueTasks(c, now: now)
        return NeedsAttention(
            uncalledEnquiries: try uncalledEnquiries(c, now: now),
            overduePayments: overdue.sorted { ($0.dueOn, $0.booking.eventDate, $0.milestonePublicID) < ($1.dueOn, $1.booking.eventDate, $1.milestonePublicID) },
            flaggedPayments: try flaggedPayments(c), blockedVendors: blocked,
            failedMessages: failed.items, failedMessagesTotal: failed.total, overdueTasks: tasks.items, overdueTasksTotal: tasks.total,
            missingStartTimes: try missingStartTimes(c, today: today))
    }

    /// The booking columns every panel reads (`b` bookings, `cl` clients).
    static let bookingColumns = """
        b.id AS booking_id, b.public_id, b.state, cl.name AS client_name, b.event_type, b.event_date::text AS event_date
        """

    static func booking(_ row: Row) throws -> DashboardBooking {
        let stateText: String = try row.decode("state")
        guard let state = BookingState(rawValue: stateText) else {
            throw PostgresError(kind: .decoding, message: "booking state \(stateText)")
        }
        return DashboardBooking(id: try row.decode("booking_id"), publicID: try row.decode("public_id"), state: state,
                                clientName: try row.decode("client_name"), eventType: try row.decode("event_type"),
                                eventDate: try VendorPayables.day(row, "event_date"))
    }

    /// "Called" means the booking left enquiry (state) or its "Call the client" task is done.
    public static func uncalledEnquiries(_ c: Connection, now: Date) throws -> [UncalledEnquiry] {
        try c.query("""
            SELECT \(bookingColumns), cl.phone, b.created_at
            FROM bookings b JOIN clients cl ON cl.id = b.client_id
            WHERE b.state = 'enquiry' AND b.created_at <= $1::timestamptz - interval '24 hours'
              AND NOT EXISTS (SELECT 1 FROM tasks t WHERE t.booking_id = b.id AND t.done_at IS NOT NULL
                                                      AND t.title LIKE 'Call the client%')
            ORDER BY b.created_at, b.id
            """, now).map { row in
            let at: Date = try row.decode("created_at")
            return UncalledEnquiry(booking: try booking(row), clientPhone: try row.decode("phone"), enquiredAt: at,
                                   hoursWaiting: Int(now.timeIntervalSince(at) / 3_600))
        }
    }

    public static func flaggedPayments(_ c: Connection) throws -> [FlaggedPayment] {
        try c.query("""
            SELECT \(bookingColumns), m.public_id AS milestone_public_id, m.label, m.amount_paise, m.amount_paid_paise, m.flag, m.flagged_at
            FROM payment_milestones m JOIN bookings b ON b.id = m.booking_id JOIN clients cl ON cl.id = b.client_id
            WHERE m.flag IS NOT NULL
            ORDER BY m.flagged_at DESC NULLS LAST, m.id DESC
            """).map { row in
            FlaggedPayment(booking: try booking(row), milestonePublicID: try row.decode("milestone_public_id"), label: try row.decode("label"),
                           amount: Money(paise: try row.decode("amount_paise")), paid: Money(paise: try row.decode("amount_paid_paise")),
                           flag: try row.decode("flag"), flaggedAt: try row.decode("flagged_at"))
        }
    }

    /// Failed for good on a booking still open (or on none): a completed or cancelled event's
    /// old failures stay in the log but need nobody now. A retry puts the row back in the queue.
    /// The total and the newest ids come from the failed messages' index alone (it carries the
    /// booking, migration 0031); only the rows listed are read from the table.
    public static func failedMessages(_ c: Connection, limit: Int = attentionLimit) throws -> (items: [FailedMessage], total: Int) {
        let rows = try c.query("""
            WITH newest AS (
                SELECT f.id, count(*) OVER () AS total FROM notifications f
                WHERE f.status = 'failed'
                  AND (f.booking_id IS NULL OR f.booking_id IN (SELECT id FROM bookings WHERE state NOT IN ('completed', 'cancelled')))
                ORDER BY f.id DESC LIMIT $1)
            SELECT n.id, n.moment, n.channel, n.recipient_role, n.recipient_name, n.address, n.last_error, n.attempts, n.updated_at,
                   \(bookingColumns), newest.total
            FROM newest JOIN notifications n ON n.id = newest.id
            LEFT JOIN bookings b ON b.id = n.booking_id LEFT JOIN clients cl ON cl.id = b.client_id
            ORDER BY n.id DESC
            """, limit)
        let items = try rows.map { row in
            FailedMessage(id: try row.decode("id"), booking: try (row.decode("booking_id") as Int64?) == nil ? nil : booking(row),
                          moment: try row.decode("moment"), channel: try row.decode("channel"), recipientRole: try row.decode("recipient_role"),
                          recipientName: try row.decode("recipient_name"), address: try row.decode("address"),
                          error: try row.decode("last_error"), attempts: try row.decode("attempts"), failedAt: try row.decode("updated_at"))
        }
        return (items, try rows.first?.decode("total") ?? 0)
    }

    public static func overdueTasks(_ c: Connection, now: Date, limit: Int = attentionLimit) throws -> (items: [OverdueTask], total: Int) {
        let rows = try c.query("""
            SELECT t.id, t.title, t.assignee_role, s.name AS assignee_name, t.due_at, \(bookingColumns), count(*) OVER () AS total
            FROM tasks t JOIN bookings b ON b.id = t.booking_id JOIN clients cl ON cl.id = b.client_id
            LEFT JOIN staff_users s ON s.id = t.assignee_id
            WHERE t.done_at IS NULL AND t.due_at < $1::timestamptz
            ORDER BY t.due_at, t.id LIMIT $2
            """, now, limit)
        let items = try rows.map { row in
            let due: Date = try row.decode("due_at")
            return OverdueTask(id: try row.decode("id"), booking: try booking(row), title: try row.decode("title"),
                               assigneeRole: try row.decode("assignee_role"), assigneeName: try row.decode("assignee_name"), dueAt: due,
                               hoursOverdue: Int(now.timeIntervalSince(due) / 3_600))
        }
        return (items, try rows.first?.decode("total") ?? 0)
    }

    public static func missingStartTimes(_ c: Connection, today: CalendarDay) throws -> [MissingStartTime] {
        try c.query("""
            SELECT \(bookingColumns), s.name AS coordinator_name, b.event_date - $1::date AS days
            FROM bookings b JOIN clients cl ON cl.id = b.client_id LEFT JOIN staff_users s ON s.id = b.coordinator_id
            WHERE b.event_start_time IS NULL AND b.event_date >= $1::date AND b.event_date < $1::date + $2::int
              AND b.state NOT IN ('completed', 'cancelled')
            ORDER BY b.event_date, b.id
            """, today.description, startTimeWithinDays).map { row in
            MissingStartTime(booking: try booking(row), daysToEvent: try row.decode("days"), coordinatorName: try row.decode("coordinator_name"))
        }
    }

    // MARK: Outstanding payments

    /// Every unpaid milestone of a current proposal of a booking that is not cancelled, soonest
    /// due first, with its urgency and when a reminder for it last went out.
    public static func outstandingPayments(_ c: Connection, today: CalendarDay) throws -> [OutstandingPayment] {
        try c.query("""
            SELECT \(bookingColumns), cl.phone AS client_phone, m.public_id AS milestone_public_id, m.sequence, m.label,
                   m.amount_paise, m.amount_paid_paise, m.due_on::text AS due_on, m.status, m.flag,
                   (SELECT max(n.sent_at) FROM notifications n
                    WHERE n.booking_id = m.booking_id AND n.moment = 'payment_due_reminder' AND n.status IN ('sent', 'delivered', 'read')
                      AND n.parameters ->> 'milestone_sequence' = m.sequence::text) AS last_reminder
            FROM payment_milestones m
            JOIN proposals p ON p.id = m.proposal_id AND p.status <> 'superseded'
            JOIN bookings b ON b.id = m.booking_id AND b.state <> 'cancelled'
            JOIN clients cl ON cl.id = b.client_id
            WHERE m.status IN \(openStatuses)
            ORDER BY m.due_on, b.event_date, m.id
            """).map { row in
            let amount = Money(paise: try row.decode("amount_paise")), paid = Money(paise: try row.decode("amount_paid_paise"))
            let due = try VendorPayables.day(row, "due_on")
            let statusText: String = try row.decode("status")
            return OutstandingPayment(
                booking: try booking(row), clientPhone: try row.decode("client_phone"),
                milestonePublicID: try row.decode("milestone_public_id"), sequence: try row.decode("sequence"), label: try row.decode("label"),
                amount: amount, paid: paid, outstanding: amount - paid, dueOn: due,
                status: PaymentMilestoneStatus(rawValue: statusText) ?? .pending, urgency: PaymentUrgency(dueOn: due, today: today),
                lastReminderAt: try row.decode("last_reminder"), flag: try row.decode("flag"))
        }
    }

    // MARK: Events

    /// Events from today for `days` days (cancelled ones left out), soonest first, with readiness.
    public static func upcomingEvents(_ c: Connection, today: CalendarDay, days: Int = agendaDays) throws -> [DashboardEvent] {
        try events(c, from: today, through: today.adding(days: days - 1), today: today)
    }

    /// The events of a calendar month (cancelled ones left out), by day.
    public static func monthCalendar(_ c: Connection, month: CalendarMonth, today: CalendarDay) throws -> [DashboardEvent] {
        try events(c, from: month.firstDay, through: month.lastDay, today: today)
    }

    static func events(_ c: Connection, from: CalendarDay, through: CalendarDay, today: CalendarDay) throws -> [DashboardEvent] {
        try c.query("""
            SELECT \(bookingColumns), to_char(b.event_start_time, 'HH24:MI') AS start_time, b.city, b.venue, b.guests,
                   s.name AS coordinator_name, b.event_date - $3::date AS days,
                   (SELECT count(*) FILTER (WHERE a.status <> 'cancelled') || ',' ||
                           count(*) FILTER (WHERE a.status IN ('confirmed', 'in_progress', 'delivered'))
                    FROM vendor_assignments a WHERE a.booking_id = b.id) AS vendors,
                   (SELECT COALESCE(sum(m.amount_paise - m.amount_paid_paise), 0) FROM payment_milestones m
                    JOIN proposals p ON p.id = m.proposal_id AND p.status <> 'superseded'
                    WHERE m.booking_id = b.id AND m.status IN \(openStatuses)) AS unpaid,
                   (SELECT max(e.created_at) FROM portal_events e WHERE e.booking_id = b.id) AS last_timeline
            FROM bookings b JOIN clients cl ON cl.id = b.client_id LEFT JOIN staff_users s ON s.id = b.coordinator_id
            WHERE b.event_date BETWEEN $1::date AND $2::date AND b.state <> 'cancelled'
            ORDER BY b.event_date, b.event_start_time NULLS LAST, b.id
            """, from.description, through.description, today.description).map { row in
            let counts = (try row.decode("vendors") as String).split(separator: ",").map { Int($0) ?? 0 }
            let days: Int = try row.decode("days")
            let last: Date? = try row.decode("last_timeline")
            return DashboardEvent(
                booking: try booking(row), startTime: try row.decode("start_time"), city: try row.decode("city"), venue: try row.decode("venue"),
                guests: try row.decode("guests"), coordinatorName: try row.decode("coordinator_name"), daysToEvent: days,
                readiness: EventReadiness(vendors: counts.first ?? 0, vendorsConfirmed: counts.last ?? 0,
                                          balanceUnpaid: Money(paise: try row.decode("unpaid")), lastTimelineDay: last.map(IST.day(of:)),
                                          daysToEvent: days, today: today))
        }
    }

    // MARK: Vendors

    /// Every active event (deposit paid or in preparation), soonest first, with its assignments
    /// counted by status and its blocked ones with reasons (`VendorGraphQueries.blocked`).
    public static func vendorStatus(_ c: Connection, today: CalendarDay) throws -> [EventVendorStatus] {
        let blocked = Dictionary(grouping: try VendorGraphQueries.blocked(c, .activeEvents), by: \.bookingID)
        return try c.query("""
            SELECT \(bookingColumns), b.event_date - $1::date AS days,
                   (SELECT string_agg(a.status || '=' || a.n, ',') FROM (
                        SELECT a.status, count(*) AS n FROM vendor_assignments a WHERE a.booking_id = b.id GROUP BY a.status) a) AS counts
            FROM bookings b JOIN clients cl ON cl.id = b.client_id
            WHERE b.state IN ('deposit_paid', 'active_preparation')
            ORDER BY b.event_date, b.id
            """, today.description).map { row in
            var counts: [VendorAssignmentStatus: Int] = [:]
            for pair in (try row.decode("counts") as String?)?.split(separator: ",") ?? [] {
                let parts = pair.split(separator: "=")
                if parts.count == 2, let status = VendorAssignmentStatus(rawValue: String(parts[0])) { counts[status] = Int(parts[1]) }
            }
            let b = try booking(row)
            return EventVendorStatus(booking: b, daysToEvent: try row.decode("days"), counts: counts, blocked: blocked[b.id] ?? [])
        }
    }
}
