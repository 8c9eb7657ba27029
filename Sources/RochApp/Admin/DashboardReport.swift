import Foundation
import RochCore
import RochStore

/// One of the dashboard's charts with the same figures as a table (for screen readers and for
/// reading exact amounts) and as CSV: the three always come from one value, so they agree.
struct DashboardReport {
    var title: String
    var columns: [String]
    /// Per row: its label, then one amount per column after the first.
    var rows: [(label: String, amounts: [Money])]
    var chart: BarChartSVG
    /// The CSV's address.
    var csvPath: String

    static func revenueMonths(_ r: RevenueReport) -> DashboardReport {
        revenue(r.months, title: "Revenue by month", period: "Month", csv: "revenue-months")
    }

    static func revenueQuarters(_ r: RevenueReport) -> DashboardReport {
        revenue(r.quarters, title: "Revenue by quarter (financial year April to March)", period: "Quarter", csv: "revenue-quarters")
    }

    static func revenue(_ periods: [RevenuePeriod], title: String, period: String, csv: String) -> DashboardReport {
        DashboardReport(
            title: title,
            columns: [period, "Collected", "Collected same period last year", "Invoiced", "Invoiced same period last year", "Outstanding"],
            rows: periods.map { p in
                (p.label, [p.figures.collected, p.sameTimeLastYear.collected, p.figures.invoiced, p.sameTimeLastYear.invoiced, p.figures.outstanding])
            },
            chart: BarChartSVG(title: "\(title): collected, beside the same period last year", series: ["Collected", "Same period last year"],
                               groups: periods.map { .init(label: shortLabel($0.label), values: [$0.figures.collected, $0.sameTimeLastYear.collected]) }),
            csvPath: "/admin/dashboard/\(csv).csv")
    }

    static func cashFlow(_ f: CashFlowForecast) -> DashboardReport {
        DashboardReport(
            title: "Cash-flow forecast, next 6 months",
            columns: ["Month", "Due from clients", "Due to vendors", "Net"],
            rows: f.months.map { m in (m.month.description, [m.clientMilestonesDue, m.vendorPayablesDue, m.net]) },
            chart: BarChartSVG(title: "Cash-flow forecast: due from clients beside due to vendors, by month", series: ["Due from clients", "Due to vendors"],
                               groups: f.months.map { .init(label: shortLabel($0.month.description), values: [$0.clientMilestonesDue, $0.vendorPayablesDue]) }),
            csvPath: "/admin/dashboard/cash-flow.csv")
    }

    /// "2026-12" -> "Dec 26"; a quarter's "Q3 2026-27" stays.
    static func shortLabel(_ label: String) -> String {
        let parts = label.split(separator: "-")
        guard parts.count == 2, parts[0].count == 4, let m = Int(parts[1]), (1...12).contains(m) else { return label }
        return "\(AdminApp.monthNames[m - 1].prefix(3)) \(parts[0].suffix(2))"
    }

    func pageValues(id: String) -> [String: Any] {
        ["id": id, "title": title, "svg": chart.render(id: id), "csv": csvPath,
         "columns": columns.enumerated().map { ["label": $0.element, "isFirst": $0.offset == 0] as [String: Any] },
         "rows": rows.map { r in ["label": r.label, "amounts": r.amounts.map { ["value": $0.inr] }] as [String: Any] }]
    }

    /// RFC 4180: a header line, CRLF line ends, amounts in rupees with two decimals (no symbol, no grouping).
    var csv: String {
        var lines = [columns.map(CSVText.field).joined(separator: ",")]
        for r in rows { lines.append(([CSVText.field(r.label)] + r.amounts.map(CSVText.rupees)).joined(separator: ",")) }
        return lines.joined(separator: "\r\n") + "\r\n"
    }
}
