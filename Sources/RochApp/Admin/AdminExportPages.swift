import Foundation
import RochCore
import RochHTTP
import RochStore

/// /admin/exports: CSV for the accountant (accounts and owner, `StaffPermissions.exports`) of
/// payments, receipts with the GST columns of GSTR-1, refunds and vendor payments, for a financial
/// year or a date range. Amounts are rupees with two decimals; the receipts' gross total for a
/// month is the dashboard's "collected" for it.
extension AdminApp {
    static let exportKinds: [(name: String, label: String)] = [
        ("payments", "Payments received"), ("receipts", "Receipts with GST (GSTR-1)"), ("refunds", "Refunds"), ("vendor-payments", "Vendor payments"),
    ]

    func exportsPage(_ request: Request, session: StaffSession, now: Date, problem: (field: String, message: String)? = nil) throws -> Response {
        let query = try request.query()
        let today = IST.day(of: now)
        let thisYear = FinancialYear.containing(today)
        let years = (0..<6).map { FinancialYear(startYear: thisYear.startYear - $0).label }
        let chosenYear = query["fy"] ?? (problem == nil ? thisYear.label : "")
        return templates.response(AdminPage("exports", title: "Exports", status: problem == nil ? 200 : 400, current: "home", values: [
            "kinds": Self.exportKinds.map { ["name": $0.name, "label": $0.label, "selected": query["kind"] == $0.name] as [String: Any] },
            "years": years.map { ["label": $0, "selected": $0 == chosenYear] as [String: Any] },
            "from": query["from"] ?? "", "to": query["to"] ?? "",
            "errors": problem.map { [$0.field: $0.message] } ?? [:] as [String: String],
            "problem": problem?.message as Any,
        ]), session: session)
    }

    /// GET /admin/exports/<kind>.csv?fy=2026-27 or ?from=...&to=...; bad input: the form again with the problem on its field.
    func exportCSV(_ kind: String, request: Request, session: StaffSession, now: Date) async throws -> Response {
        let query = try request.query()
        guard Self.exportKinds.contains(where: { $0.name == kind }) else {
            return try exportsPage(request, session: session, now: now, problem: ("kind", "Pick what to export from the list."))
        }
        let period: ExportPeriod
        switch ExportPeriod.parse(fy: query["fy"], from: query["from"], to: query["to"]) {
        case .failure(.field(let name, let message)): return try exportsPage(request, session: session, now: now, problem: (name, message))
        case .success(let p): period = p
        }
        let business = context.configuration.businessGSTIN.flatMap(GSTState.init(gstin:))
        let csv: String = try await context.database.withConnection { c in
            switch kind {
            case "payments": return Self.paymentsCSV(try AccountExports.payments(c, from: period.from, to: period.to))
            case "receipts": return Self.receiptsCSV(try AccountExports.receipts(c, from: period.from, to: period.to), business: business)
            case "refunds": return Self.refundsCSV(try AccountExports.refunds(c, from: period.from, to: period.to))
            default: return Self.vendorPaymentsCSV(try AccountExports.vendorPayments(c, from: period.from, to: period.to))
            }
        }
        try await audit(session, request, action: "export.downloaded", details: ["kind": kind, "period": period.label])
        var r = Response(status: 200, contentType: "text/csv; charset=utf-8", body: Array(csv.utf8))
        r.headers.set("Content-Disposition", "attachment; filename=\"roch-\(kind)-\(period.from)-\(period.to).csv\"")
        return r
    }

    static func table(_ header: [String], _ rows: [[String]]) -> String {
        ([header] + rows).map { $0.map(CSVText.field).joined(separator: ",") }.joined(separator: "\r\n") + "\r\n"
    }

    static func paymentsCSV(_ rows: [AccountExports.PaymentRow]) -> String {
        table(["Date", "Razorpay payment id", "Receipt number", "Booking", "Client", "Milestone", "Amount", "Method", "Status"], rows.map {
            [$0.day.description, $0.razorpayPaymentID, $0.receiptNumber ?? "", $0.bookingPublicID, $0.clientName, $0.milestone,
             CSVText.rupees($0.amount), $0.method ?? "", $0.status]
        })
    }

    /// GSTR-1's columns: invoice number and date, the client's GSTIN (none is recorded: B2C), place
    /// of supply, taxable value, rate, CGST, SGST, IGST, and the invoice value.
    static func receiptsCSV(_ rows: [AccountExports.ReceiptRow], business: GSTState?) -> String {
        table(["Invoice number", "Invoice date", "Client GSTIN", "Client", "Booking", "Place of supply", "Taxable value", "GST rate %",
               "CGST", "SGST", "IGST", "Invoice value"], rows.map { r in
            let place = EventCity.state(of: r.city)
            let split = GSTR1Split(tax: r.tax, business: business, placeOfSupply: place)
            return [r.number, r.issuedOn.description, "", r.clientName, r.bookingPublicID, place?.description ?? "not known (\(r.city))",
                    CSVText.rupees(r.taxableValue), CSVText.rupees(Money(paise: Int64(r.rateBasisPoints))),
                    CSVText.rupees(split.cgst), CSVText.rupees(split.sgst), CSVText.rupees(split.igst), CSVText.rupees(r.gross)]
        })
    }

    static func refundsCSV(_ rows: [AccountExports.RefundRow]) -> String {
        table(["Date", "Razorpay refund id", "Razorpay payment id", "Receipt number", "Booking", "Client", "Amount", "Status"], rows.map {
            [$0.day.description, $0.razorpayRefundID, $0.razorpayPaymentID, $0.receiptNumber ?? "", $0.bookingPublicID ?? "", $0.clientName ?? "",
             CSVText.rupees($0.amount), $0.status]
        })
    }

    static func vendorPaymentsCSV(_ rows: [AccountExports.VendorPaymentRow]) -> String {
        table(["Date", "Vendor", "Vendor GSTIN", "Role", "Booking", "Method", "Reference", "Amount"], rows.map {
            [$0.paidOn.description, $0.vendorName, $0.vendorGSTIN ?? "", $0.role, $0.bookingPublicID, $0.method, $0.reference ?? "", CSVText.rupees($0.amount)]
        })
    }
}
