import Foundation
import RochCore
import RochHTTP
import RochStore

/// The printable receipt at an unguessable URL (`/api/razorpay-webhook/receipt/<token>`): the
/// token is 128 random bits, so the URL itself is the permission, as with the portal's links.
enum ReceiptPage {
    struct Receipt: Sendable {
        var number: String
        var issuedOn: CalendarDay
        var amount: Money
        var net: Money
        var tax: Money
        var gstRateBP: Int64
        var clientName: String
        var clientPhone: String
        var clientEmail: String?
        var eventType: String
        var eventDate: CalendarDay
        var city: String
        var milestoneLabel: String
        var milestoneAmount: Money
        var paymentID: String
        var method: String?
        var paidAt: Date
    }

    static func handle(token: String, context: AppContext) async throws -> Response {
        guard (20...32).contains(token.count), token.unicodeScalars.allSatisfy({ ("a"..."z").contains($0) || ("2"..."7").contains($0) }) else {
            throw HTTPError.notFound("There is no receipt at this address. Check the link in your message.")
        }
        let found: Receipt? = try await context.database.withConnection { c in try load(c, token: token) }
        guard let receipt = found else { throw HTTPError.notFound("There is no receipt at this address. Check the link in your message.") }
        var response = Response.html(render(receipt, configuration: context.configuration))
        response.headers.set("Cache-Control", "private, no-store")
        response.headers.set("X-Robots-Tag", "noindex")
        response.headers.set("Referrer-Policy", "no-referrer")
        return response
    }

    static func load(_ c: Connection, token: String) throws -> Receipt? {
        guard let row = try c.query("""
            SELECT i.number, i.issued_on::text AS issued_on, i.amount_paise, i.net_paise, i.tax_paise, i.gst_rate_bp::bigint AS gst_rate_bp,
                   cl.name AS client_name, cl.phone AS client_phone, cl.email AS client_email,
                   b.event_type, b.event_date::text AS event_date, b.city,
                   m.label, m.amount_paise AS milestone_paise, p.razorpay_payment_id, p.method, COALESCE(p.captured_at, p.created_at) AS paid_at
            FROM invoices i JOIN payment_milestones m ON m.id = i.milestone_id JOIN bookings b ON b.id = i.booking_id
            JOIN clients cl ON cl.id = b.client_id JOIN payments p ON p.id = i.payment_id
            WHERE i.public_token = $1
            """, token).first,
            let issued = CalendarDay(try row.decode("issued_on", as: String.self)),
            let eventDate = CalendarDay(try row.decode("event_date", as: String.self)) else { return nil }
        return Receipt(number: try row.decode("number"), issuedOn: issued, amount: Money(paise: try row.decode("amount_paise")),
                       net: Money(paise: try row.decode("net_paise")), tax: Money(paise: try row.decode("tax_paise")),
                       gstRateBP: try row.decode("gst_rate_bp"), clientName: try row.decode("client_name"),
                       clientPhone: try row.decode("client_phone"), clientEmail: try row.decode("client_email"),
                       eventType: try row.decode("event_type"), eventDate: eventDate, city: try row.decode("city"),
                       milestoneLabel: try row.decode("label"), milestoneAmount: Money(paise: try row.decode("milestone_paise")),
                       paymentID: try row.decode("razorpay_payment_id"), method: try row.decode("method"), paidAt: try row.decode("paid_at"))
    }

    static func render(_ r: Receipt, configuration: Configuration) -> String {
        // The split stored when the receipt was issued (the same rule as GSTBreakdown: CGST is half, SGST the rest).
        let cgst = Money(paise: r.tax.paise / 2), sgst = r.tax - Money(paise: r.tax.paise / 2)
        let half = PaymentPlan.percentLabel(r.gstRateBP / 2)
        // State code 00 does not exist: that is the demo placeholder `make dev` sets, and the receipt says so.
        let gstin = configuration.businessGSTIN.map { $0.hasPrefix("00") ? "\(htmlEscape($0)) (placeholder, not a registered GSTIN)" : htmlEscape($0) }
            ?? "not configured"
        let event = EventType(rawValue: r.eventType)?.label ?? r.eventType
        let paidAt = IST.day(of: r.paidAt)
        let seconds = (Int(r.paidAt.timeIntervalSince1970) + IST.offsetSeconds) % 86_400
        let time = TimeOfDay(hour: seconds / 3600, minute: (seconds % 3600) / 60).map(NotificationFormat.time) ?? ""
        func row(_ label: String, _ value: String) -> String { "<tr><th>\(htmlEscape(label))</th><td>\(htmlEscape(value))</td></tr>" }
        return """
            <!doctype html>
            <html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
            <meta name="robots" content="noindex">
            <title>Receipt \(htmlEscape(r.number)) · Roch Events</title>
            \(PageAssets.stylesheetLink)
            <script src="\(PageAssets.printScript)" defer></script></head>
            <body class="receipt">
            <header><h1>Roch Events</h1>
            <p class="muted">Payment receipt · GSTIN: \(gstin)</p></header>
            <table>
            \(row("Receipt number", r.number))
            \(row("Date", NotificationFormat.date(r.issuedOn)))
            \(row("Received from", r.clientName))
            \(row("Contact", [r.clientPhone, r.clientEmail].compactMap { $0 }.joined(separator: " · ")))
            \(row("Event", "\(event) on \(NotificationFormat.date(r.eventDate)), \(r.city)"))
            \(row("Towards", "\(r.milestoneLabel) (\(r.milestoneAmount.inr))"))
            \(row("Razorpay payment", r.paymentID + (r.method.map { " (\($0))" } ?? "")))
            \(row("Paid at", "\(NotificationFormat.date(paidAt)), \(time)"))
            </table>
            <table>
            <tr><th>Value of services</th><td class="amount">\(htmlEscape(r.net.inrWithPaise))</td></tr>
            <tr><th>CGST @ \(half)</th><td class="amount">\(htmlEscape(cgst.inrWithPaise))</td></tr>
            <tr><th>SGST @ \(half)</th><td class="amount">\(htmlEscape(sgst.inrWithPaise))</td></tr>
            <tr class="total"><th>Amount received</th><td class="amount">\(htmlEscape(r.amount.inrWithPaise))</td></tr>
            </table>
            <p class="muted">This receipt was issued electronically when Razorpay confirmed the payment. Keep it for your records.</p>
            <p class="noprint"><button type="button" class="print-button" data-print>Print or save as PDF</button></p>
            </body></html>
            """
    }
}

extension PaymentPlan {
    /// "9%", "2.5%": a basis-point rate for people.
    static func percentLabel(_ bp: Int64) -> String {
        let whole = bp / 100, fraction = bp % 100
        if fraction == 0 { return "\(whole)%" }
        return fraction % 10 == 0 ? "\(whole).\(fraction / 10)%" : "\(whole).\(fraction < 10 ? "0" : "")\(fraction)%"
    }
}
