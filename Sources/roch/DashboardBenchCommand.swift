// glibc declares `stdout` as a mutable global; it is never reassigned, so its Sendable check is relaxed.
#if canImport(Glibc)
@preconcurrency import Glibc
#endif
import ArgumentParser
import Foundation
import RochApp
import RochCore
import RochStore

/// `roch dashboard-bench` (hidden, used by bench/dashboard.sh): loads the five-year history into
/// an empty, migrated database (unless it already holds one), then times every dashboard panel
/// and the whole dashboard (reads alone, and reads plus the page's HTML): median and p95 of repeated runs in this process, beside
/// PostgreSQL's own execution time of the same statements (EXPLAIN ANALYZE) as the yardstick.
struct DashboardBenchCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "dashboard-bench", abstract: "Time the dashboard's reads on the five-year history (bench only).",
        shouldDisplay: false)

    @Option(help: "Timed runs per panel.") var runs = 30
    @Option(help: "The history's random seed.") var randomSeed: UInt64 = 1
    @Option(help: "Runs of the whole dashboard under auto_explain (the yardstick).") var yardstickRuns = 10

    func run() throws {
        setvbuf(stdout, nil, _IOLBF, 0)
        let c = try Connection(url: try databaseURL())
        let bookings: Int64 = try c.query("SELECT count(*) AS n FROM bookings").first!.decode("n")
        if bookings == 0 {
            print("dashboard: \(try HistorySeed.load(into: c, seed: randomSeed))")
            try c.execute("VACUUM ANALYZE")
        }
        let now = Date(), today = IST.day(of: now)
        let templates = try AdminTemplates(directory: AdminTemplates.defaultDirectory(environment: ProcessInfo.processInfo.environment))
        let panels: [(String, (Connection) throws -> Void)] = [
            ("needs attention", { c in _ = try DashboardQueries.needsAttention(c, now: now) }),
            ("upcoming events (60 days)", { c in _ = try DashboardQueries.upcomingEvents(c, today: today) }),
            ("month calendar", { c in _ = try DashboardQueries.monthCalendar(c, month: CalendarMonth(containing: today), today: today) }),
            ("revenue (12 months, 4 quarters)", { c in _ = try DashboardQueries.revenue(c, today: today) }),
            ("cash flow (6 months)", { c in _ = try DashboardQueries.cashFlow(c, today: today) }),
            ("outstanding payments", { c in _ = try DashboardQueries.outstandingPayments(c, today: today) }),
            ("vendor status", { c in _ = try DashboardQueries.vendorStatus(c, today: today) }),
            ("notification log (page 1)", { c in _ = try DashboardQueries.notificationLog(c, NotificationLogFilter()) }),
            ("notification log (failed, one channel)", { c in
                _ = try DashboardQueries.notificationLog(c, NotificationLogFilter(status: "failed", channel: "whatsapp")) }),
            ("whole dashboard", { c in _ = try DashboardQueries.load(c, now: now) }),
            ("whole page, read and rendered as the owner's HTML (the server's time)", { c in
                _ = AdminApp.renderDashboard(try DashboardQueries.load(c, now: now), templates: templates, role: .owner) }),
        ]
        let d = try DashboardQueries.load(c, now: now)
        print("dashboard: \(d.upcoming.count) upcoming events, \(d.outstanding.count) unpaid milestones, \(d.vendorStatus.count) active events, "
              + "\(d.needsAttention.failedMessagesTotal) failed messages, \(d.needsAttention.overdueTasksTotal) overdue tasks")
        for (title, body) in panels {
            try body(c)
            var times: [Double] = []
            for _ in 0..<max(1, runs) {
                let start = DispatchTime.now().uptimeNanoseconds
                try body(c)
                times.append(Double(DispatchTime.now().uptimeNanoseconds - start) / 1e6)
            }
            times.sort()
            let p95 = times[min(times.count - 1, Int((Double(times.count) * 0.95).rounded(.up)) - 1)]
            print(String(format: "dashboard: %@: median %.2f ms, p95 %.2f ms (%d runs)", title, times[times.count / 2], p95, times.count))
        }
        // The yardstick: PostgreSQL's own execution time of every statement the whole dashboard
        // runs, reported by auto_explain (log_analyze) as notices, which libpq prints on stderr;
        // bench/dashboard.sh sums them per run (each run starts with a marker line).
        try c.execute("LOAD 'auto_explain'")
        try c.withSettings(["auto_explain.log_min_duration": "0", "auto_explain.log_analyze": "on",
                            "auto_explain.log_timing": "off", "auto_explain.log_level": "notice",
                            "auto_explain.log_format": "json", "client_min_messages": "notice"]) { c in
            for _ in 0..<max(1, yardstickRuns) {
                FileHandle.standardError.write(Data("dashboard-yardstick-run\n".utf8))
                _ = try DashboardQueries.load(c, now: now)
            }
        }
    }
}
