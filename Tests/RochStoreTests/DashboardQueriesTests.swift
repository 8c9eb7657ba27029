import Foundation
import RochCore
import RochStore
import RochTestSupport
import Testing

/// The dashboard's panels on a small office whose every figure is known: a wedding in two days
/// with an overdue instalment, a blocked decorator and no start time; a corporate gala with a
/// flagged deposit; enquiries called and not; a cancelled booking and last year's event.
@Suite struct DashboardQueriesTests {
    let c: Connection
    let today = CalendarDay("2026-12-04")!
    let now = IST.instant(CalendarDay("2026-12-04")!, TimeOfDay(hour: 10, minute: 0)!)
    var booking: [String: Int64] = [:]
    var reminderSentAt = Date()

    func day(_ offset: Int) -> String { today.adding(days: offset).description }
    func lakh(_ n: Int64) -> Money { Money(rupees: n * 100_000) }

    init() async throws {
        c = try Connection(url: try await TestDatabase.makeMigrated())
        let arjun: Int64 = try c.query("""
            INSERT INTO staff_users (email, name, role) VALUES ('arjun@rochevents.in', 'Arjun Mehta', 'coordinator') RETURNING id
            """).first!.decode("id")
        // (key, state, event day offset, start time, hours since the enquiry)
        let rows: [(String, String, Int, String?, Double)] = [
            ("enqold", "enquiry", 60, nil, 30), ("enqdone", "enquiry", 70, nil, 30), ("enqnew", "enquiry", 80, nil, 2),
            ("wedding", "active_preparation", 2, nil, 24 * 200), ("gala", "deposit_paid", 40, "19:00", 24 * 100),
            ("cancel", "cancelled", 10, nil, 24 * 90), ("past", "completed", -360, "18:00", 24 * 500),
        ]
        for (i, (key, state, offset, start, hours)) in rows.enumerated() {
            let client: Int64 = try c.query("INSERT INTO clients (phone, name) VALUES ($1, $2) RETURNING id",
                                            "+91987650000\(i)", "Client \(key)").first!.decode("id")
            booking[key] = try c.query("""
                INSERT INTO bookings (public_id, client_id, state, event_type, event_date, event_start_time, city, venue, guests, budget,
                                      coordinator_id, created_at)
                VALUES ($1, $2, $3, 'wedding', $4::date, $5::time, 'Jaipur', 'Rambagh', 200, '10l_25l', $6, $7::timestamptz - make_interval(secs => $8))
                RETURNING id
                """, "\(key)_public_id_0000000000", client, state, day(offset), start, arjun, now, hours * 3_600).first!.decode("id")
        }
        // The enquiry tasks: one call done, the old one not.
        for (key, done) in [("enqold", false), ("enqdone", true)] {
            try c.execute("""
                INSERT INTO tasks (booking_id, title, assignee_role, due_at, done_at)
                VALUES ($1, 'Call the client within 24 h', 'sales', $2::timestamptz - interval '6 hours',
                        CASE WHEN $3 THEN $2::timestamptz - interval '20 hours' END)
                """, booking[key]!, now, done)
        }
        try c.execute("""
            INSERT INTO tasks (booking_id, title, assignee_role, assignee_id, due_at, done_at) VALUES
                ($1, 'Confirm the menu', 'coordinator', $2, $3::timestamptz - interval '5 hours', NULL),
                ($1, 'Book vendors', 'coordinator', $2, $3::timestamptz - interval '50 days', $3::timestamptz - interval '51 days'),
                ($1, 'Send the run sheet', 'coordinator', $2, $3::timestamptz + interval '5 hours', NULL)
            """, booking["wedding"]!, arjun, now)

        // Money: the wedding's 10 lakh in three parts, the gala's deposit (flagged) and instalment,
        // the cancelled booking's called-off deposit, last year's paid event.
        func proposal(_ key: String, _ total: Int64, _ status: String) throws -> Int64 {
            try c.query("INSERT INTO proposals (booking_id, public_id, total_paise, status) VALUES ($1, $2, $3, $4) RETURNING id",
                        booking[key]!, "prop_\(key)", lakh(total).paise, status).first!.decode("id")
        }
        func milestone(_ key: String, _ proposal: Int64, _ seq: Int, _ label: String, _ amount: Int64, _ due: Int, _ status: String,
                       paid: Int64 = 0, flag: String? = nil) throws -> Int64 {
            try c.query("""
                INSERT INTO payment_milestones (public_id, proposal_id, booking_id, sequence, label, amount_paise, due_on, due_rule, status,
                                                amount_paid_paise, flag, flagged_at)
                VALUES ($1, $2, $3, $4, $5, $6, $7::date, 'on_acceptance', $8, $9, $10, CASE WHEN $10::text IS NULL THEN NULL ELSE $11::timestamptz END)
                RETURNING id
                """, "ms_\(key)_\(seq)_000000000000000", proposal, booking[key]!, seq, label, lakh(amount).paise, day(due), status,
                lakh(paid).paise, flag, now).first!.decode("id")
        }
        let w = try proposal("wedding", 10, "accepted")
        let deposit = try milestone("wedding", w, 1, "Deposit", 3, -30, "paid", paid: 3)
        _ = try milestone("wedding", w, 2, "Instalment 1", 4, -3, "link_issued")
        _ = try milestone("wedding", w, 3, "Balance", 3, 5, "pending")
        let g = try proposal("gala", 7, "accepted")
        _ = try milestone("gala", g, 1, "Deposit", 2, -14, "paid", paid: 2, flag: "Paid in USD, expected INR: currency mismatch")
        _ = try milestone("gala", g, 2, "Balance", 5, 20, "link_issued")
        let x = try proposal("cancel", 2, "sent")
        _ = try milestone("cancel", x, 1, "Deposit", 2, -1, "link_issued")
        let p = try proposal("past", 1, "accepted")
        let pastDeposit = try milestone("past", p, 1, "Deposit", 1, -359, "paid", paid: 1)
        // Receipts: this month's for the wedding deposit, and December last year's.
        for (i, (m, key, amount, issued)) in [(deposit, "wedding", Int64(3), "2026-12-01"), (pastDeposit, "past", 1, "2025-12-10")].enumerated() {
            let payment: Int64 = try c.query("""
                INSERT INTO payments (razorpay_payment_id, milestone_id, amount_paise, currency, status, captured_at, counted_at)
                VALUES ($1, $2, $3, 'INR', 'captured', $4::date, $4::date) RETURNING id
                """, "pay_\(i)", m, lakh(amount).paise, issued).first!.decode("id")
            try c.execute("""
                INSERT INTO invoices (public_token, number, prefix, financial_year, sequence, booking_id, milestone_id, payment_id,
                                      amount_paise, net_paise, tax_paise, gst_rate_bp, issued_on)
                VALUES ($1, $2, 'RE', '2026-27', $3, $4, $5, $6, $7, $7, 0, 1800, $8::date)
                """, "token_\(i)_000000000000000000", "RE/X/\(i)", i + 1, booking[key]!, m, payment, lakh(amount).paise, issued)
        }

        // Vendors of the wedding: the venue delivered, the caterer's menu pending, the decorator waiting on it.
        let vendor: Int64 = try c.query("INSERT INTO vendors (name, category) VALUES ('Sharma Caterers', 'caterer') RETURNING id").first!.decode("id")
        var a: [String: Int64] = [:]
        for (role, status, text, agreed, due) in [("Venue", "delivered", "Lawn booked", Int64(0), 0), ("Caterer", "pending", "menu not confirmed", 2, 10),
                                                  ("Decorator", "pending", nil, 0, 0)] as [(String, String, String?, Int64, Int)] {
            a[role] = try c.query("""
                INSERT INTO vendor_assignments (booking_id, vendor_id, role, status, milestone_text, amount_agreed, payment_due_on)
                VALUES ($1, $2, $3, $4, $5, $6, $7::date) RETURNING id
                """, booking["wedding"]!, vendor, role, status, text, lakh(agreed).paise, day(due)).first!.decode("id")
        }
        try c.execute("INSERT INTO vendor_dependencies (dependent_assignment_id, required_assignment_id, booking_id) VALUES ($1, $2, $3)",
                      a["Decorator"]!, a["Caterer"]!, booking["wedding"]!)
        try c.execute("INSERT INTO portal_events (booking_id, kind, title, created_at) VALUES ($1, 'vendor', 'Venue ready', $2::timestamptz - interval '1 day')",
                      booking["wedding"]!, now)

        // Messages: a reminder for the overdue instalment sent yesterday (and a later one that failed),
        // a failed message of the finished event, one for the cancelled booking.
        reminderSentAt = now.addingTimeInterval(-86_400)
        let messages: [(String, String, String, String, String, Date?, Double)] = [
            ("r1", "wedding", "payment_due_reminder", "whatsapp", "read", reminderSentAt, 30),
            ("r2", "wedding", "payment_due_reminder", "whatsapp", "failed", nil, 20),
            ("p1", "past", "event_completed", "whatsapp", "failed", nil, 11),
            ("e1", "wedding", "booking_confirmed", "email", "delivered", now.addingTimeInterval(-3_000), 5),
            ("c1", "cancel", "booking_cancelled", "whatsapp", "sent", now.addingTimeInterval(-2_000), 4),
        ]
        for (key, b, moment, channel, status, sent, hoursAgo) in messages {
            try c.execute("""
                INSERT INTO notifications (idempotency_key, moment, booking_id, recipient_role, channel, parameters, status, last_error,
                                           created_at, updated_at, sent_at)
                VALUES ($1, $2, $3, 'client', $4, '{"milestone_sequence": "2"}', $5,
                        CASE WHEN $5 = 'failed' THEN 'WhatsApp 131026: Message undeliverable' END,
                        $6::timestamptz - make_interval(secs => $7), $6::timestamptz - make_interval(secs => $7), $8)
                """, key, moment, booking[b]!, channel, status, now, hoursAgo * 3_600, sent)
        }
    }

    @Test func needsAttentionListsExactlyWhatIsWrong() throws {
        let n = try DashboardQueries.needsAttention(c, now: now)
        #expect(n.uncalledEnquiries.map(\.booking.id) == [booking["enqold"]!], "called, moved on or under 24 h old are left out")
        #expect(n.uncalledEnquiries.first?.hoursWaiting == 30)
        #expect(n.overduePayments.map(\.label) == ["Instalment 1"])
        #expect(n.overduePayments.first?.outstanding == lakh(4) && n.overduePayments.first?.booking.id == booking["wedding"])
        #expect(n.flaggedPayments.map(\.flag) == ["Paid in USD, expected INR: currency mismatch"])
        #expect(n.flaggedPayments.first?.booking.id == booking["gala"])
        #expect(n.blockedVendors.map(\.blocked.reason) == ["Decorator waits on Caterer: menu not confirmed"])
        #expect(n.blockedVendors.first?.daysToEvent == 2)
        #expect(n.failedMessages.map(\.moment) == ["payment_due_reminder"], "the finished event's failure needs nobody now")
        #expect(n.failedMessagesTotal == 1 && n.failedMessages.first?.error == "WhatsApp 131026: Message undeliverable")
        #expect(n.overdueTasks.map(\.title) == ["Call the client within 24 h", "Confirm the menu"] && n.overdueTasksTotal == 2)
        #expect(n.overdueTasks.last?.hoursOverdue == 5 && n.overdueTasks.last?.assigneeName == "Arjun Mehta")
        #expect(n.missingStartTimes.map(\.booking.id) == [booking["wedding"]!] && n.missingStartTimes.first?.daysToEvent == 2)
        #expect(!n.isEmpty)
    }

    @Test func itemsDisappearWhenFixed() throws {
        try c.execute("UPDATE tasks SET done_at = $2 WHERE booking_id = $1", booking["enqold"]!, now)
        try c.execute("UPDATE bookings SET event_start_time = '18:00' WHERE id = $1", booking["wedding"]!)
        try c.execute("UPDATE payment_milestones SET status = 'paid', amount_paid_paise = amount_paise WHERE label = 'Instalment 1'")
        try c.execute("UPDATE payment_milestones SET flag = NULL")
        try c.execute("UPDATE vendor_assignments SET status = 'delivered' WHERE role = 'Caterer'")
        try c.execute("UPDATE notifications SET status = 'queued' WHERE status = 'failed'")
        try c.execute("UPDATE tasks SET done_at = $1 WHERE done_at IS NULL", now)
        #expect(try DashboardQueries.needsAttention(c, now: now).isEmpty)
    }

    @Test func outstandingPaymentsAreEveryUnpaidMilestoneWithUrgencyAndLastReminder() throws {
        let o = try DashboardQueries.outstandingPayments(c, today: today)
        #expect(o.map { "\($0.booking.publicID.prefix(4)) \($0.label)" } == ["wedd Instalment 1", "wedd Balance", "gala Balance"],
                "soonest due first; the cancelled booking's deposit is not owed")
        #expect(o.map(\.urgency) == [.overdue, .dueWithinWeek, .later])
        #expect(o.map(\.outstanding) == [lakh(4), lakh(3), lakh(5)])
        #expect(o[0].lastReminderAt == reminderSentAt, "the failed reminder after it does not count")
        #expect(o[1].lastReminderAt == nil && o[0].dueOn == today.adding(days: -3))
    }

    @Test func upcomingEventsCarryReadinessAndTheCalendarTheMonth() throws {
        let events = try DashboardQueries.upcomingEvents(c, today: today)
        #expect(events.map(\.booking.id) == [booking["wedding"]!, booking["gala"]!], "60 days ahead, cancelled left out")
        let w = events[0]
        #expect(w.coordinatorName == "Arjun Mehta" && w.venue == "Rambagh" && w.startTime == nil && w.daysToEvent == 2)
        #expect(w.readiness.vendors == 3 && w.readiness.vendorsConfirmed == 1 && w.readiness.balanceUnpaid == lakh(7))
        #expect(w.readiness.isInFinalDays && w.readiness.timelineUpToDate)
        #expect(w.readiness.missing == ["2 of 3 vendors not confirmed", "₹7,00,000 balance unpaid"])
        #expect(events[1].startTime == "19:00" && !events[1].readiness.isInFinalDays)
        let december = try DashboardQueries.monthCalendar(c, month: CalendarMonth(containing: today), today: today)
        #expect(december.map(\.booking.id) == [booking["wedding"]!])
    }

    @Test func revenueByMonthAndFinancialQuarterBesideLastYear() throws {
        let r = try DashboardQueries.revenue(c, today: today)
        #expect(r.months.count == 12 && r.months.last?.label == "2026-12" && r.months.first?.label == "2026-01")
        let december = try #require(r.months.last)
        #expect(december.figures == RevenueFigures(collected: lakh(3), invoiced: lakh(12), outstanding: lakh(12)))
        #expect(december.sameTimeLastYear.collected == lakh(1))
        let november = r.months[10]
        #expect(november.figures.invoiced == lakh(5) && november.figures.outstanding == .zero, "both deposits, paid")
        #expect(r.quarters.map(\.label) == ["Q4 2025-26", "Q1 2026-27", "Q2 2026-27", "Q3 2026-27"])
        let q3 = try #require(r.quarters.last)
        #expect(q3.firstDay == CalendarDay("2026-10-01") && q3.lastDay == CalendarDay("2026-12-31"))
        #expect(q3.figures == RevenueFigures(collected: lakh(3), invoiced: lakh(17), outstanding: lakh(12)))
        #expect(q3.sameTimeLastYear == RevenueFigures(collected: lakh(1), invoiced: lakh(1), outstanding: .zero))
    }

    @Test func cashFlowIsClientMilestonesDueMinusVendorPayablesDue() throws {
        let f = try DashboardQueries.cashFlow(c, today: today)
        #expect(f.months.map(\.month.description) == ["2026-12", "2027-01", "2027-02", "2027-03", "2027-04", "2027-05"])
        #expect(f.overdueFromClients == lakh(4) && f.overdueToVendors == .zero)
        #expect(f.months[0].clientMilestonesDue == lakh(8) && f.months[0].vendorPayablesDue == lakh(2) && f.months[0].net == lakh(6))
        #expect(f.months.dropFirst().allSatisfy { $0.net == .zero })
    }

    @Test func vendorStatusPerActiveEventSoonestFirst() throws {
        let v = try DashboardQueries.vendorStatus(c, today: today)
        #expect(v.map(\.booking.id) == [booking["wedding"]!, booking["gala"]!])
        #expect(v[0].counts == [.delivered: 1, .pending: 2] && v[0].daysToEvent == 2)
        #expect(v[0].blocked.map(\.role) == ["Decorator"] && v[0].blocked.first?.rootCauseReason == "Caterer: menu not confirmed")
        #expect(v[1].counts.isEmpty && v[1].blocked.isEmpty)
    }

    @Test func notificationLogFiltersAndPagesNewestFirst() throws {
        func keys(_ f: NotificationLogFilter) throws -> [String] {
            try DashboardQueries.notificationLog(c, f).entries.map { String($0.moment) }
        }
        #expect(try keys(NotificationLogFilter()) == ["booking_cancelled", "booking_confirmed", "event_completed", "payment_due_reminder",
                                                       "payment_due_reminder"])
        #expect(try keys(NotificationLogFilter(status: "failed")) == ["event_completed", "payment_due_reminder"])
        #expect(try keys(NotificationLogFilter(bookingPublicID: "wedding_public_id_0000000000")).count == 3)
        #expect(try keys(NotificationLogFilter(bookingPublicID: "nobody' OR 1=1 --")).isEmpty)
        #expect(try keys(NotificationLogFilter(channel: "email")) == ["booking_confirmed"])
        #expect(try keys(NotificationLogFilter(moment: "payment_due_reminder", status: "read")).count == 1)
        #expect(try keys(NotificationLogFilter(from: today.adding(days: -0), to: today)) == ["booking_cancelled", "booking_confirmed"])
        let first = try DashboardQueries.notificationLog(c, NotificationLogFilter(page: 1, pageSize: 2))
        let last = try DashboardQueries.notificationLog(c, NotificationLogFilter(page: 3, pageSize: 2))
        #expect(first.entries.count == 2 && first.hasNextPage && last.entries.count == 1 && !last.hasNextPage)
    }

    @Test func theWholeDashboardIsTheSameAsItsPanels() throws {
        let d = try DashboardQueries.load(c, now: now)
        #expect(d.today == today)
        #expect(d.needsAttention == (try DashboardQueries.needsAttention(c, now: now)))
        #expect(d.outstanding == (try DashboardQueries.outstandingPayments(c, today: today)))
        #expect(d.upcoming.count == 2 && d.calendar.count == 1 && d.vendorStatus.count == 2 && d.notifications.entries.count == 5)
    }
}
