import Foundation
import RochCore

/// Revenue, cash flow and the notification log of the dashboard.
extension DashboardQueries {
    /// Months and financial-year quarters shown by `revenue`.
    public static let revenueMonths = 12
    public static let revenueQuarters = 4

    /// Collected = receipts issued in the period (every counted payment has one, dated in India);
    /// invoiced = milestones of current proposals falling due in the period (cancelled ones left
    /// out, and unpaid ones of cancelled bookings); outstanding = what is still unpaid of those today. The last `revenueMonths` months and
    /// `revenueQuarters` quarters up to the current one, each beside the same period a year earlier.
    public static func revenue(_ c: Connection, today: CalendarDay) throws -> RevenueReport {
        let thisMonth = CalendarMonth(containing: today), thisQuarter = FinancialQuarter.containing(today)
        var firstQuarter = thisQuarter
        for _ in 1..<revenueQuarters { firstQuarter = firstQuarter.previous }
        let first = min(thisMonth.adding(months: -(revenueMonths - 1)).firstDay, firstQuarter.firstDay)
        let start = CalendarMonth(containing: first).adding(months: -12).firstDay, end = thisMonth.lastDay
        var byMonth: [CalendarMonth: RevenueFigures] = [:]
        for row in try c.query("""
            SELECT month::text AS month, sum(collected) AS collected, sum(invoiced) AS invoiced, sum(outstanding) AS outstanding FROM (
                SELECT date_trunc('month', i.issued_on)::date AS month, i.amount_paise AS collected, 0 AS invoiced, 0 AS outstanding
                FROM invoices i WHERE i.issued_on BETWEEN $1::date AND $2::date
                UNION ALL
                SELECT date_trunc('month', m.due_on)::date, 0, m.amount_paise,
                       CASE WHEN m.status IN \(openStatuses) AND b.state <> 'cancelled' THEN m.amount_paise - m.amount_paid_paise ELSE 0 END
                FROM payment_milestones m JOIN proposals p ON p.id = m.proposal_id AND p.status <> 'superseded'
                JOIN bookings b ON b.id = m.booking_id
                WHERE m.due_on BETWEEN $1::date AND $2::date AND m.status <> 'cancelled'
                  AND (b.state <> 'cancelled' OR m.amount_paid_paise > 0)
            ) f GROUP BY month
            """, start.description, end.description) {
            let day = try VendorPayables.day(row, "month")
            byMonth[CalendarMonth(containing: day)] = RevenueFigures(
                collected: Money(paise: try row.decode("collected")), invoiced: Money(paise: try row.decode("invoiced")),
                outstanding: Money(paise: try row.decode("outstanding")))
        }
        func sum(_ from: CalendarDay, _ to: CalendarDay) -> RevenueFigures {
            var total = RevenueFigures(), m = CalendarMonth(containing: from)
            while m.firstDay <= to {
                total = total + (byMonth[m] ?? RevenueFigures())
                m = m.adding(months: 1)
            }
            return total
        }
        let months = (0..<revenueMonths).reversed().map { back -> RevenuePeriod in
            let m = thisMonth.adding(months: -back), last = m.adding(months: -12)
            return RevenuePeriod(label: m.description, firstDay: m.firstDay, lastDay: m.lastDay, figures: sum(m.firstDay, m.lastDay),
                                 sameTimeLastYear: sum(last.firstDay, last.lastDay))
        }
        var quarters: [RevenuePeriod] = []
        var q = firstQuarter
        for _ in 0..<revenueQuarters {
            let l = q.sameQuarterLastYear
            quarters.append(RevenuePeriod(label: q.description, firstDay: q.firstDay, lastDay: q.lastDay, figures: sum(q.firstDay, q.lastDay),
                                          sameTimeLastYear: sum(l.firstDay, l.lastDay)))
            q = q.next
        }
        return RevenueReport(months: months, quarters: quarters)
    }

    /// The next `months` calendar months from the current one: client milestones still unpaid
    /// and vendor payables still owed, by the month they fall due (from today on); what fell due
    /// before today is the overdue on each side. Cancelled bookings and assignments owe nothing.
    public static func cashFlow(_ c: Connection, today: CalendarDay, months: Int = 6) throws -> CashFlowForecast {
        let first = CalendarMonth(containing: today), end = first.adding(months: max(1, months) - 1).lastDay
        let rows = try c.query("""
            SELECT side, CASE WHEN due < $1::date THEN NULL ELSE date_trunc('month', due)::date::text END AS month, sum(owed) AS owed FROM (
                SELECT 'in' AS side, m.due_on AS due, m.amount_paise - m.amount_paid_paise AS owed
                FROM payment_milestones m JOIN proposals p ON p.id = m.proposal_id AND p.status <> 'superseded'
                JOIN bookings b ON b.id = m.booking_id AND b.state <> 'cancelled'
                WHERE m.status IN \(openStatuses) AND m.due_on <= $2::date
                UNION ALL
                SELECT 'out', a.payment_due_on, a.amount_agreed - a.amount_paid
                FROM vendor_assignments a JOIN bookings b ON b.id = a.booking_id AND b.state <> 'cancelled'
                WHERE a.amount_paid < a.amount_agreed AND a.status <> 'cancelled' AND a.payment_due_on <= $2::date
            ) f GROUP BY 1, 2
            """, today.description, end.description)
        var forecast = CashFlowForecast(overdueFromClients: .zero, overdueToVendors: .zero, months: (0..<max(1, months)).map {
            CashFlowMonth(month: first.adding(months: $0), clientMilestonesDue: .zero, vendorPayablesDue: .zero)
        })
        for row in rows {
            let side: String = try row.decode("side"), owed = Money(paise: try row.decode("owed"))
            guard let monthText: String = try row.decode("month") else {
                if side == "in" { forecast.overdueFromClients += owed } else { forecast.overdueToVendors += owed }
                continue
            }
            let month = CalendarMonth(containing: try VendorPayables.day(row, "month"))
            guard let i = forecast.months.firstIndex(where: { $0.month == month }) else {
                throw PostgresError(kind: .decoding, message: "cash flow month \(monthText) outside the forecast")
            }
            if side == "in" { forecast.months[i].clientMilestonesDue += owed } else { forecast.months[i].vendorPayablesDue += owed }
        }
        return forecast
    }

    /// One page of the notification log, newest first (ids grow with time), each message with
    /// its status history. Every filter is a bound parameter; an unknown booking finds nothing.
    public static func notificationLog(_ c: Connection, _ f: NotificationLogFilter) throws -> NotificationLogPage {
        var sql = SQLConditions()
        if let id = f.bookingPublicID {
            sql.conditions.append("n.booking_id = (SELECT id FROM bookings WHERE public_id = \(sql.bind(id)))")
        }
        if let moment = f.moment { sql.conditions.append("n.moment = \(sql.bind(moment))") }
        if let status = f.status { sql.conditions.append("n.status = \(sql.bind(status))") }
        if let channel = f.channel { sql.conditions.append("n.channel = \(sql.bind(channel))") }
        let midnight = TimeOfDay(hour: 0, minute: 0)!
        if let from = f.from { sql.conditions.append("n.created_at >= \(sql.bind(IST.instant(from, midnight)))::timestamptz") }
        if let to = f.to { sql.conditions.append("n.created_at < \(sql.bind(IST.instant(to.adding(days: 1), midnight)))::timestamptz") }
        let page = f.effectivePage, size = f.effectivePageSize
        let limit = sql.bind(size + 1), offset = sql.bind((page - 1) * size)
        var entries = try c.query("""
            \(NotificationLog.entryColumns)
            WHERE \(sql.whereClause)
            ORDER BY n.id DESC LIMIT \(limit) OFFSET \(offset)
            """, sql.parameters).map(NotificationLog.entry)
        let hasNext = entries.count > size
        if hasNext { entries.removeLast() }
        return NotificationLogPage(entries: try NotificationLog.withHistory(c, entries), page: page, pageSize: size, hasNextPage: hasNext)
    }
}
