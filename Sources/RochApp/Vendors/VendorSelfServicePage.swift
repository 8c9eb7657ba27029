import RochCore
import RochHTTP
import RochStore

/// The vendor's page: one small server-rendered form, readable on a phone, usable without JavaScript.
enum VendorSelfServicePage {
    struct Model: Sendable {
        var token: String
        var csrf: String
        var assignment: VendorAssignmentRecord
        var eventType: String
        var eventDate: CalendarDay
        var city: String
        var coordinatorName: String
        var coordinatorPhone: String
        /// Roles of the unfinished assignments waiting on this one.
        var waitingOnYou: [String]
        var notes: [VendorNote]
        /// A confirmation after a POST ("done" query parameter), or a refusal with its status.
        var flash: String?
        var problem: String?
    }

    static func head(_ title: String) -> String {
        """
        <!doctype html>
        <html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
        <meta name="robots" content="noindex"><title>\(htmlEscape(title)) — Roch Events</title>\(PageAssets.stylesheetLink)</head>
        <body class="vendor"><main>
        """
    }

    static func render(_ m: Model) -> String {
        let a = m.assignment
        var html = head("\(a.role) for \(m.eventType) on \(NotificationFormat.date(m.eventDate))")
        html += "<h1>\(htmlEscape(a.role)): \(htmlEscape(m.eventType)) on \(htmlEscape(NotificationFormat.date(m.eventDate)))</h1>\n"
        if let flash = m.flash { html += "<p class=\"flash\" role=\"status\">\(htmlEscape(flash))</p>\n" }
        if let problem = m.problem { html += "<p class=\"problem\" role=\"alert\">\(htmlEscape(problem))</p>\n" }
        html += "<dl>"
        html += "<dt>Vendor</dt><dd>\(htmlEscape(a.vendorName))</dd>"
        html += "<dt>City</dt><dd>\(htmlEscape(m.city))</dd>"
        html += "<dt>Status</dt><dd id=\"status\">\(htmlEscape(a.status.label))</dd>"
        if let date = a.milestoneDate { html += "<dt>Due</dt><dd>\(htmlEscape(NotificationFormat.date(date)))</dd>" }
        if let text = a.milestoneText { html += "<dt>Milestone</dt><dd>\(htmlEscape(text))</dd>" }
        html += "<dt>Coordinator</dt><dd>\(htmlEscape(m.coordinatorName)) <a href=\"tel:\(htmlEscape(m.coordinatorPhone))\">\(htmlEscape(m.coordinatorPhone))</a></dd>"
        html += "</dl>\n"
        if !m.waitingOnYou.isEmpty && a.status.isUnfinished {
            html += "<p class=\"waiting\">Waiting on you: \(htmlEscape(m.waitingOnYou.joined(separator: ", ")))</p>\n"
        }
        if a.status.isUnfinished {
            html += "<form method=\"post\" action=\"/api/vendor/\(htmlEscape(m.token))\">\n"
            html += "<input type=\"hidden\" name=\"csrf\" value=\"\(htmlEscape(m.csrf))\">\n"
            html += "<input type=\"hidden\" name=\"seen_status\" value=\"\(htmlEscape(a.status.rawValue))\">\n"
            html += "<label for=\"note\">Note for the coordinator (optional)</label>\n"
            html += "<textarea id=\"note\" name=\"note\" maxlength=\"2000\"></textarea>\n"
            if a.status.canMove(to: .confirmed) {
                html += "<button type=\"submit\" name=\"status\" value=\"confirmed\">I confirm this booking</button>\n"
            }
            if a.status.canMove(to: .delivered) {
                html += "<button type=\"submit\" name=\"status\" value=\"delivered\">My work is delivered</button>\n"
            }
            html += "<button type=\"submit\" name=\"status\" value=\"\" class=\"secondary\">Send the note only</button>\n"
            html += "</form>\n"
        } else {
            html += "<p>Nothing more to do here. Thank you! For any change, call \(htmlEscape(m.coordinatorName)) on \(htmlEscape(m.coordinatorPhone)).</p>\n"
        }
        if !m.notes.isEmpty {
            html += "<h2>Notes</h2><ul>"
            for note in m.notes { html += "<li>\(htmlEscape(note.body))</li>" }
            html += "</ul>\n"
        }
        return html + "</main></body></html>\n"
    }

    /// A refused link: what happened and what to do.
    static func refusal(status: Int, title: String, explanation: String, contact: String) -> Response {
        var html = head(title)
        html += "<h1>\(htmlEscape(title))</h1>\n<p>\(htmlEscape(explanation))</p>\n<p>\(htmlEscape(contact))</p>\n</main></body></html>\n"
        return secured(.html(html, status: status))
    }

    /// The link is a credential: keep it out of caches, referrers, search engines and frames.
    static func secured(_ response: Response) -> Response {
        var r = response
        r.headers.set("Cache-Control", "no-store")
        r.headers.set("Referrer-Policy", "no-referrer")
        r.headers.set("X-Robots-Tag", "noindex")
        // Its own policy, stricter than the site's: only the site stylesheet, nothing else loads.
        r.headers.set("Content-Security-Policy", "default-src 'none'; style-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'")
        return r
    }
}
