import Foundation
import RochCore
import RochHTTP
import RochStore

/// The staff home page: the dashboard (issue 18), every panel read in one transaction
/// (`DashboardQueries.load`) and rendered on the server; the charts are SVG with the same
/// figures in a table and as CSV.
extension AdminApp {
    /// How many rows each list shows on the home page; every row is a link away
    /// (/admin/dashboard/<panel>, `DashboardListPanel`), so the first paint stays small.
    public static let dashboardListLimit = 10

    static let dashboardNotices = [
        "reminder-sent": "The reminder is queued: the client gets it with the payment link within a minute.",
        "link-reissued": "The link had expired: a new one is being made, and the client gets it as soon as it is ready.",
        "message-retried": "The message is back in the queue and will be sent again within a minute.",
    ]

    func dashboard(_ request: Request, session: StaffSession, now: Date) async throws -> Response {
        let d = try await context.database.withConnection { c in try DashboardQueries.load(c, now: now) }
        let notice = try request.query()["notice"].flatMap { Self.dashboardNotices[$0] }
        var values = Self.dashboardValues(d, role: session.role, staffID: session.account.id, notice: notice)
        values["totpEnabled"] = session.account.totpEnabled
        return templates.response(AdminPage("dashboard", title: "Dashboard", current: "home", values: values), session: session)
    }

    /// The dashboard's HTML for `role` without a request (what `roch dashboard-bench` times beside the reads).
    public static func renderDashboard(_ d: Dashboard, templates: AdminTemplates, role: StaffRole) -> String {
        templates.render("dashboard", AdminTemplates.present(dashboardValues(d, role: role, staffID: 0, notice: nil)))
    }

    /// The template's values: what each panel shows, what this role may do from it.
    /// `limit` rows per list (`dashboardListLimit` on the home page, every row on a panel's full page).
    static func dashboardValues(_ d: Dashboard, role: StaffRole, staffID: Int64, notice: String?, limit: Int = dashboardListLimit) -> [String: Any] {
        let isOwner = role == .owner
        let mayRemind = StaffPermissions.decide(role: role, staffID: staffID, action: .moneyActions).isAllowed
            || StaffPermissions.scope(role, .actOnBooking) != .none
        let mayRetry = StaffPermissions.scope(role, .actOnBooking) != .none
        let a = d.needsAttention
        /// How many rows of a list of `count` are not shown (nil when none).
        func more(_ count: Int) -> Any { count > limit ? count - limit : nil as Int? as Any }

        let attention: [String: Any] = [
            "isEmpty": a.isEmpty,
            "enquiries": a.uncalledEnquiries.prefix(limit).map { e in
                ["booking": Self.bookingValues(e.booking), "phone": e.clientPhone, "hours": e.hoursWaiting] as [String: Any]
            },
            "overdue": a.overduePayments.prefix(limit).map { paymentValues($0, mayRemind: mayRemind) },
            "enquiriesMore": more(a.uncalledEnquiries.count), "overdueMore": more(a.overduePayments.count),
            "flaggedMore": more(a.flaggedPayments.count), "blockedMore": more(a.blockedVendors.count),
            "failedMore": more(a.failedMessagesTotal), "tasksMore": more(a.overdueTasksTotal), "startTimesMore": more(a.missingStartTimes.count),
            "flagged": a.flaggedPayments.prefix(limit).map { f in
                ["booking": Self.bookingValues(f.booking), "label": f.label, "flag": f.flag, "amount": f.amount.inr, "paid": f.paid.inr] as [String: Any]
            },
            "blocked": a.blockedVendors.prefix(limit).map { v in
                ["booking": Self.bookingValues(v.booking), "days": Self.daysText(v.daysToEvent), "role": v.blocked.role, "vendor": v.blocked.vendorName,
                 "reason": v.blocked.reason, "rootCause": v.blocked.rootCauseReason] as [String: Any]
            },
            "failed": a.failedMessages.prefix(limit).map { m in
                ["id": String(m.id), "booking": m.booking.map(Self.bookingValues) as Any, "moment": Self.momentLabel(m.moment),
                 "channel": Self.channelLabel(m.channel), "recipient": m.recipientName ?? m.recipientRole,
                 "address": m.address.map { isOwner ? $0 : ContactMask.address($0) } as Any,
                 "error": m.error ?? "no error text", "attempts": m.attempts, "at": NotificationFormat.dateTime(m.failedAt),
                 "mayRetry": mayRetry] as [String: Any]
            },
            "failedTotal": a.failedMessagesTotal,
            "tasks": a.overdueTasks.prefix(limit).map { t in
                ["booking": Self.bookingValues(t.booking), "title": t.title, "assignee": t.assigneeName ?? t.assigneeRole,
                 "overdue": Self.hoursText(t.hoursOverdue)] as [String: Any]
            },
            "tasksTotal": a.overdueTasksTotal,
            "has": ["enquiries": !a.uncalledEnquiries.isEmpty, "overdue": !a.overduePayments.isEmpty, "flagged": !a.flaggedPayments.isEmpty,
                    "blocked": !a.blockedVendors.isEmpty, "failed": !a.failedMessages.isEmpty, "tasks": !a.overdueTasks.isEmpty,
                    "startTimes": !a.missingStartTimes.isEmpty],
            "startTimes": a.missingStartTimes.prefix(limit).map { s in
                ["booking": Self.bookingValues(s.booking), "days": Self.daysText(s.daysToEvent), "coordinator": s.coordinatorName ?? "no coordinator"] as [String: Any]
            },
        ]
        let outstandingTotal = d.outstanding.reduce(Money.zero) { $0 + $1.outstanding }
        return [
            "today": NotificationFormat.date(d.today),
            "notice": notice as Any,
            "attention": attention,
            "agenda": d.upcoming.prefix(limit).map(Self.eventValues),
            "agendaCount": d.upcoming.count,
            "agendaMore": more(d.upcoming.count),
            "calendarMonth": CalendarMonth(containing: d.today).description,
            "calendarCount": d.calendar.count,
            "outstanding": d.outstanding.prefix(limit).map { paymentValues($0, mayRemind: mayRemind) },
            "outstandingCount": d.outstanding.count, "outstandingTotal": outstandingTotal.inr,
            "outstandingMore": more(d.outstanding.count),
            "revenueMonths": DashboardReport.revenueMonths(d.revenue).pageValues(id: "revenue-months"),
            "revenueQuarters": DashboardReport.revenueQuarters(d.revenue).pageValues(id: "revenue-quarters"),
            "cashFlow": DashboardReport.cashFlow(d.cashFlow).pageValues(id: "cash-flow"),
            "cashOverdue": ["fromClients": d.cashFlow.overdueFromClients.inr, "toVendors": d.cashFlow.overdueToVendors.inr],
            "vendors": d.vendorStatus.prefix(limit).map(Self.vendorStatusValues),
            "vendorsCount": d.vendorStatus.count,
            "vendorsMore": more(d.vendorStatus.count),
            "messages": d.notifications.entries.prefix(10).map { messageValues($0, isOwner: isOwner, mayRetry: mayRetry) },
            "messageFilter": messageFilterValues(NotificationLogFilter()),
            "back": "/admin/",
            "has": ["outstanding": !d.outstanding.isEmpty, "agenda": !d.upcoming.isEmpty, "vendors": !d.vendorStatus.isEmpty,
                    "messages": !d.notifications.entries.isEmpty],
            "canExport": StaffPermissions.decide(role: role, staffID: staffID, action: .exports).isAllowed,
        ]
    }

    /// /admin/calendar?month=2026-12: the month as a wall calendar (Monday first), each event linked.
    func calendarPage(_ request: Request, session: StaffSession, now: Date) async throws -> Response {
        let today = IST.day(of: now)
        let query = try request.query()
        var month = CalendarMonth(containing: today)
        var problem: String?
        if let text = query["month"], !text.isEmpty {
            if let m = Self.month(text) { month = m } else { problem = "Month must look like 2026-12." }
        }
        let shown = month
        let events = try await context.database.withConnection { c in try DashboardQueries.monthCalendar(c, month: shown, today: today) }
        let byDay = Dictionary(grouping: events, by: { $0.booking.eventDate })
        let weeks: [[String: Any]] = MonthGrid.weeks(month).map { week in
            ["days": week.enumerated().map { index, day -> [String: Any] in
                guard let day else { return ["empty": true] }
                let list = byDay[day] ?? []
                return ["day": day.day, "weekday": MonthGrid.weekdayNames[index], "isToday": day == today,
                        "date": NotificationFormat.date(day), "events": list.map(Self.eventValues), "hasEvents": !list.isEmpty]
            }]
        }
        return templates.response(AdminPage("dashboard-calendar", title: "Calendar \(Self.monthName(month))", current: "home", values: [
            "monthName": Self.monthName(month), "weeks": weeks, "weekdays": MonthGrid.weekdayNames,
            "count": events.count, "problem": problem as Any,
            "previous": month.adding(months: -1).description, "next": month.adding(months: 1).description,
            "previousName": Self.monthName(month.adding(months: -1)), "nextName": Self.monthName(month.adding(months: 1)),
        ]), session: session)
    }

    /// /admin/messages: the notification log, newest first, filtered by booking, moment, status, channel and days.
    func messagesPage(_ request: Request, session: StaffSession) async throws -> Response {
        let query = try request.query()
        var filter = NotificationLogFilter()
        var problems: [String] = []
        func pick(_ name: String, _ allowed: [String], _ label: String) -> String? {
            guard let v = query[name], !v.isEmpty else { return nil }
            guard allowed.contains(v) else { problems.append("Pick a \(label) from the list."); return nil }
            return v
        }
        if let b = query["booking"]?.trimmingCharacters(in: .whitespaces), !b.isEmpty { filter.bookingPublicID = String(b.prefix(64)) }
        filter.moment = pick("moment", NotificationMoment.allCases.map(\.rawValue), "moment")
        filter.status = pick("status", Self.messageStatuses, "status")
        filter.channel = pick("channel", ["whatsapp", "email"], "channel")
        for (name, label) in [("from", "From"), ("to", "To")] {
            guard let text = query[name], !text.isEmpty else { continue }
            guard let day = CalendarDay(text) else { problems.append("\(label) must be a date like 2026-12-31."); continue }
            if name == "from" { filter.from = day } else { filter.to = day }
        }
        if let p = query["page"], let n = Int(p) { filter.page = n }
        let f = filter
        let page = try await context.database.withConnection { c in try DashboardQueries.notificationLog(c, f) }
        let isOwner = session.role == .owner
        let mayRetry = StaffPermissions.scope(session.role, .actOnBooking) != .none
        func link(_ p: Int) -> String {
            var pairs = query.pairs.filter { $0.name != "page" }
            pairs.append(("page", String(p)))
            return "/admin/messages?" + pairs.map { "\(FormData.encodeComponent($0.name))=\(FormData.encodeComponent($0.value))" }.joined(separator: "&")
        }
        let back = Self.returnPath(request)
        return templates.response(AdminPage("dashboard-messages", title: "Messages", current: "home", values: [
            "messageFilter": Self.messageFilterValues(filter, from: query["from"], to: query["to"]),
            "messages": page.entries.map { Self.messageValues($0, isOwner: isOwner, mayRetry: mayRetry) },
            "hasMessages": !page.entries.isEmpty,
            "problem": problems.isEmpty ? nil as String? as Any : problems.joined(separator: " "),
            "notice": query["notice"].flatMap { Self.dashboardNotices[$0] } as Any,
            "previous": page.page > 1 ? link(page.page - 1) : nil as String? as Any,
            "next": page.hasNextPage ? link(page.page + 1) : nil as String? as Any,
            "page": page.page, "back": back,
        ]), session: session)
    }

    /// /admin/dashboard/<report>.csv: a chart's figures (the same as its table).
    func dashboardCSV(_ name: String, session: StaffSession, now: Date) async throws -> Response {
        let today = IST.day(of: now)
        let report: DashboardReport = try await context.database.withConnection { c in
            switch name {
            case "revenue-months": return DashboardReport.revenueMonths(try DashboardQueries.revenue(c, today: today))
            case "revenue-quarters": return DashboardReport.revenueQuarters(try DashboardQueries.revenue(c, today: today))
            default: return DashboardReport.cashFlow(try DashboardQueries.cashFlow(c, today: today))
            }
        }
        var r = Response(status: 200, contentType: "text/csv; charset=utf-8", body: Array(report.csv.utf8))
        r.headers.set("Content-Disposition", "attachment; filename=\"\(name)-\(today).csv\"")
        return r
    }

    // MARK: Values for the templates

    static let messageStatuses = ["queued", "sending", "sent", "delivered", "read", "failed", "skipped", "cancelled"]

    static func bookingValues(_ b: DashboardBooking) -> [String: Any] {
        ["publicID": b.publicID, "client": b.clientName, "event": EventType(rawValue: b.eventType)?.label ?? b.eventType,
         "date": NotificationFormat.date(b.eventDate), "state": b.state.label, "href": "/admin/bookings/\(b.publicID)"]
    }

    static func paymentValues(_ p: OutstandingPayment, mayRemind: Bool) -> [String: Any] {
        let urgency: [String: Any] = switch p.urgency {
        case .overdue: ["class": "urgency-overdue", "icon": "⚠", "label": "Overdue"]
        case .dueWithinWeek: ["class": "urgency-soon", "icon": "◷", "label": "Due within 7 days"]
        case .later: ["class": "urgency-later", "icon": "•", "label": "Due later"]
        }
        return ["booking": Self.bookingValues(p.booking), "milestone": p.milestonePublicID, "label": p.label,
                "outstanding": p.outstanding.inr, "amount": p.amount.inr, "paid": p.paid.paise > 0 ? p.paid.inr : nil as String? as Any,
                "due": NotificationFormat.date(p.dueOn), "urgency": urgency, "status": p.status == .pending ? nil as String? as Any : p.status.label, "flag": p.flag as Any,
                "lastReminder": p.lastReminderAt.map(NotificationFormat.dateTime) as Any,
                "linkExpired": p.status == .expired, "mayRemind": mayRemind]
    }

    static func eventValues(_ e: DashboardEvent) -> [String: Any] {
        let r = e.readiness
        let parts = [r.vendorsReady, r.balancePaid, r.timelineUpToDate]
        return ["booking": bookingValues(e.booking), "start": e.startTime ?? "time to agree", "city": e.city, "venue": e.venue ?? "venue to confirm",
                "guests": e.guests, "coordinator": e.coordinatorName ?? "no coordinator", "days": daysText(e.daysToEvent),
                "readiness": r.isInFinalDays ? ["ready": parts.filter { $0 }.count, "of": parts.count,
                                                "missing": r.missing.isEmpty ? nil as String? as Any : r.missing.joined(separator: "; ")] as [String: Any]
                                             : nil as [String: Any]? as Any]
    }

    static func vendorStatusValues(_ v: EventVendorStatus) -> [String: Any] {
        let counts = VendorAssignmentStatus.allCases.compactMap { s in v.counts[s].map { "\($0) \(s.label.lowercased())" } }
        return ["booking": bookingValues(v.booking), "days": daysText(v.daysToEvent),
                "counts": counts.isEmpty ? "no vendors yet" : counts.joined(separator: ", "),
                "blocked": v.blocked.map { ["role": $0.role, "vendor": $0.vendorName, "reason": $0.reason, "rootCause": $0.rootCauseReason] as [String: Any] },
                "hasBlocked": !v.blocked.isEmpty]
    }

    static func messageValues(_ m: NotificationLogEntry, isOwner: Bool, mayRetry: Bool) -> [String: Any] {
        let address = m.address.map { isOwner ? $0 : ContactMask.address($0) }
        return ["id": String(m.id), "moment": Self.momentLabel(m.moment), "channel": Self.channelLabel(m.channel),
                "recipient": m.recipientName ?? m.recipientRole, "role": m.recipientRole, "address": address as Any,
                "status": m.status, "isFailed": m.status == "failed", "mayRetry": mayRetry && m.status == "failed",
                "error": m.lastError as Any, "attempts": m.attempts, "at": NotificationFormat.dateTime(m.sentAt ?? m.createdAt),
                "booking": m.bookingPublicID as Any,
                "history": m.history.map { ["status": $0.status, "detail": $0.detail as Any, "at": NotificationFormat.dateTime($0.at)] as [String: Any] }]
    }

    static func messageFilterValues(_ f: NotificationLogFilter, from: String? = nil, to: String? = nil) -> [String: Any] {
        ["booking": f.bookingPublicID ?? "", "from": from ?? f.from?.description ?? "", "to": to ?? f.to?.description ?? "",
         "moments": NotificationMoment.allCases.map { ["value": $0.rawValue, "label": Self.momentLabel($0.rawValue), "selected": f.moment == $0.rawValue] as [String: Any] },
         "statuses": Self.messageStatuses.map { ["value": $0, "label": $0.capitalized, "selected": f.status == $0] as [String: Any] },
         "channels": [("whatsapp", "WhatsApp"), ("email", "Email")].map { ["value": $0.0, "label": $0.1, "selected": f.channel == $0.0] as [String: Any] }]
    }

    static func momentLabel(_ raw: String) -> String {
        raw.replacingOccurrences(of: "_", with: " ").capitalizedFirst
    }

    static func channelLabel(_ raw: String) -> String { raw == "whatsapp" ? "WhatsApp" : raw == "email" ? "Email" : raw }

    static func daysText(_ days: Int) -> String {
        days == 0 ? "today" : days == 1 ? "tomorrow" : days < 0 ? "\(-days) days ago" : "in \(days) days"
    }

    static func hoursText(_ hours: Int) -> String {
        hours < 48 ? "\(hours) h overdue" : "\(hours / 24) days overdue"
    }

    static func month(_ text: String) -> CalendarMonth? {
        let parts = text.split(separator: "-")
        guard parts.count == 2, parts[0].count == 4, parts[1].count == 2, let y = Int(parts[0]), let m = Int(parts[1]), (2000...2100).contains(y) else { return nil }
        return CalendarMonth(year: y, month: m)
    }

    static let monthNames = ["January", "February", "March", "April", "May", "June", "July", "August", "September", "October", "November", "December"]

    static func monthName(_ m: CalendarMonth) -> String { "\(monthNames[m.month - 1]) \(m.year)" }
}

extension String {
    var capitalizedFirst: String { prefix(1).uppercased() + dropFirst() }
}
