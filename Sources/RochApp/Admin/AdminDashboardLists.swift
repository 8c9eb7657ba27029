import Foundation
import RochCore
import RochHTTP
import RochStore

/// A dashboard panel whose list the home page cuts to its first rows (`AdminApp.dashboardListLimit`)
/// and shows in full at /admin/dashboard/<panel>.
enum DashboardListPanel: String, Equatable, CaseIterable {
    case attention, payments, agenda, vendors

    /// The full page's heading.
    var title: String {
        switch self {
        case .attention: "Everything that needs attention"
        case .payments: "Every outstanding payment"
        case .agenda: "Every event in the next 60 days"
        case .vendors: "Vendors of every active event"
        }
    }
}

extension AdminApp {
    /// /admin/dashboard/<panel>: one panel of the dashboard with every row, read as the home page
    /// reads it (one transaction), so its figures are the home page's.
    func dashboardList(_ panel: DashboardListPanel, request: Request, session: StaffSession, now: Date) async throws -> Response {
        let d = try await context.database.withConnection { c in try DashboardQueries.load(c, now: now) }
        let notice = try request.query()["notice"].flatMap { Self.dashboardNotices[$0] }
        var values = Self.dashboardValues(d, role: session.role, staffID: session.account.id, notice: notice, limit: .max)
        values["show"] = [panel.rawValue: true]
        values["listTitle"] = panel.title
        values["back"] = "/admin/dashboard/\(panel.rawValue)"
        return templates.response(AdminPage("dashboard-list", title: panel.title, current: "home", values: values), session: session)
    }
}
