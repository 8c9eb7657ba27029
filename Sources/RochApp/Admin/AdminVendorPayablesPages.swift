import Foundation
import RochCore
import RochHTTP
import RochStore

/// `/admin/vendors/payables` (what Roch owes vendors: this week's list, overdue, per vendor and per
/// event, recent payments) and `/admin/vendors/payments.csv` (the accountant's export).
extension AdminApp {
    func vendorPayables(_ request: Request, session: StaffSession, now: Date) async throws -> Response {
        let today = IST.day(of: now)
        let (summary, week, recent) = try await context.database.withConnection { c in
            (try VendorPayables.summary(c, today: today), try VendorDesk.dueThisWeek(c, today: today),
             Array(try VendorDesk.payments(c, from: today.adding(days: -30)).prefix(100)))
        }
        let publicIDs = Dictionary(summary.byEvent.map { ($0.bookingID, $0.bookingPublicID) }, uniquingKeysWith: { a, _ in a })
        return templates.response(AdminPage("vendor-payables", title: "Vendor payables", current: "vendors", values: [
            "total": summary.totalOutstanding.inr,
            "week": week.map { w in
                ["vendor": w.vendorName, "vendorID": String(w.vendorID), "role": w.role, "publicID": w.bookingPublicID,
                 "due": NotificationFormat.date(w.dueOn), "amount": w.outstanding.inr, "overdue": w.dueOn < today,
                 "anchor": "a\(w.assignmentID)"] as [String: Any]
            },
            "hasWeek": !week.isEmpty,
            "overdue": summary.overdue.map { o in
                ["vendor": o.vendorName, "vendorID": String(o.vendorID), "role": o.role, "days": o.daysOverdue, "amount": o.outstanding.inr,
                 "publicID": publicIDs[o.bookingID] as Any, "due": NotificationFormat.date(o.dueOn)] as [String: Any]
            },
            "hasOverdue": !summary.overdue.isEmpty,
            "byVendor": summary.byVendor.prefix(200).map { v in
                ["vendor": v.vendorName, "vendorID": String(v.vendorID), "outstanding": v.outstanding.inr, "paid": v.paid.inr,
                 "overdue": v.overdue > .zero ? v.overdue.inr : nil as String? as Any] as [String: Any]
            },
            "byEvent": summary.byEvent.prefix(200).map { e in
                ["publicID": e.bookingPublicID, "client": e.clientName, "eventDate": NotificationFormat.date(e.eventDate),
                 "outstanding": e.outstanding.inr, "paid": e.paid.inr] as [String: Any]
            },
            "payments": recent.map(Self.paymentValues), "hasPayments": !recent.isEmpty,
            "canExport": may(session, .exports),
            "from": today.adding(days: -30).description, "to": today.description,
        ]), session: session)
    }

    func vendorPaymentsCSV(_ request: Request, session: StaffSession) async throws -> Response {
        let query = try request.query()
        var from: CalendarDay?, to: CalendarDay?
        for (name, label) in [("from", "From"), ("to", "To")] {
            guard let t = query[name], !t.isEmpty else { continue }
            guard let d = CalendarDay(t) else { throw HTTPError.badRequest("\(label) must be a date like 2026-12-31.") }
            if name == "from" { from = d } else { to = d }
        }
        let (f, t) = (from, to)
        let rows = try await context.database.withConnection { c in try VendorDesk.payments(c, from: f, to: t) }
        try await audit(session, request, action: "vendor.payments_exported", details: ["from": f?.description ?? "", "to": t?.description ?? "",
                                                                                       "rows": String(rows.count)])
        var csv = "paid_on,vendor,role,booking,client,amount_inr,method,reference,overpayment,recorded_by\r\n"
        for p in rows.reversed() {
            let fields = [p.paidOn.description, p.vendorName, p.role, p.bookingPublicID, p.clientName,
                          CSVText.rupees(p.amount), p.method, p.reference ?? "", p.overpayment ? "yes" : "no", p.recordedBy]
            csv += fields.map(CSVText.field).joined(separator: ",") + "\r\n"
        }
        var r = Response(status: 200, contentType: "text/csv; charset=utf-8", body: Array(csv.utf8))
        r.headers.set("Content-Disposition", "attachment; filename=\"vendor-payments\(f.map { "-" + $0.description } ?? "")\(t.map { "-to-" + $0.description } ?? "").csv\"")
        return r
    }


}
