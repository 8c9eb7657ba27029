import RochCore
import RochHTTP

/// A proposal as the client reads it: the lines, the totals with GST and the payment schedule.
/// The portal's proposal page and the team's preview render this same fragment, so the preview is
/// exactly what the client will see.
enum ProposalView {
    static func html(_ p: ProposalDraft) -> String {
        func e(_ s: String) -> String { htmlEscape(s) }
        let totals = p.totals
        var out = ""
        if !p.summary.isEmpty { out += "<p class=\"proposal-summary\">\(e(p.summary))</p>\n" }
        if !p.lines.isEmpty {
            out += "<table class=\"proposal-lines\"><caption>What is included</caption>\n"
            out += "<thead><tr><th scope=\"col\">Service</th><th scope=\"col\">Quantity</th><th scope=\"col\">Price</th><th scope=\"col\">GST</th><th scope=\"col\">Amount</th></tr></thead><tbody>\n"
            for l in p.lines {
                let service = EventService(rawValue: l.service)?.label ?? l.service
                let discount = l.discount.paise > 0 ? " (less \(l.discount.inr) discount)" : ""
                out += "<tr><td>\(e(service)): \(e(l.description))</td><td>\(l.quantity)</td><td>\(e(l.unitPrice.inr))\(e(discount))</td>"
                out += "<td>\(e(PaymentPlan.percentText(l.rateBasisPoints))): \(e(l.tax.tax.inr))</td><td>\(e(l.total.inr))</td></tr>\n"
            }
            out += "</tbody></table>\n"
            out += "<dl class=\"proposal-totals\">"
            if totals.discount.paise > 0 { out += "<dt>Discount</dt><dd>\(e(totals.discount.inr))</dd>" }
            out += "<dt>Before GST</dt><dd>\(e(totals.taxableValue.inr))</dd><dt>GST</dt><dd>\(e(totals.gst.inr))</dd>"
            out += "<dt>Total</dt><dd><strong>\(e(totals.total.inr))</strong></dd></dl>\n"
        }
        if !p.milestones.isEmpty {
            out += "<h2>Payment schedule</h2>\n<ol class=\"proposal-schedule\">"
            for m in p.milestones {
                out += "<li>\(e(m.label)): \(e(m.amount.inr)), due \(e(NotificationFormat.date(m.dueOn)))\(m.isLocked ? " (paid)" : "")</li>"
            }
            out += "</ol>\n"
        }
        return out
    }
}
