import RochCore
import RochHTTP

/// The booking form as one plain page, re-rendered by the function when a no-JavaScript
/// submission has errors: an error summary, each field's message, and the visitor's answers kept.
enum BookingFormPage {
    static func response(status: Int, fields: [String: [String]], errors: [String: String]) -> Response {
        var r = Response.html(render(fields: fields, errors: errors), status: status)
        r.headers.set("Cache-Control", "no-store")
        return r
    }

    /// Field order as on the site's form, with the labels people see.
    static let labels: [(String, String)] = [
        ("event_type", "Type of event"), ("event_date", "Event date"), ("city", "City"), ("venue", "Venue (if booked)"),
        ("guests", "Number of guests"), ("services", "Services you need"), ("budget", "Budget"), ("notes", "Anything else we should know"),
        ("name", "Your name"), ("phone", "Mobile number"), ("email", "Email"), ("whatsapp_consent", "WhatsApp updates"),
    ]

    static func render(fields: [String: [String]], errors: [String: String]) -> String {
        func value(_ name: String) -> String { htmlEscape(fields[name]?.first ?? "") }
        func errorText(_ name: String) -> String {
            guard let e = errors[name] else { return "" }
            return "<p class=\"field-error\" id=\"\(name)-error\">\(htmlEscape(e))</p>"
        }
        func described(_ name: String) -> String {
            errors[name] == nil ? "" : " aria-invalid=\"true\" aria-describedby=\"\(name)-error\""
        }
        func select(_ name: String, _ options: [FormOption]) -> String {
            let chosen = fields[name]?.first
            var s = "<select id=\"\(name)\" name=\"\(name)\" required\(described(name))><option value=\"\">Choose…</option>"
            for o in options {
                s += "<option value=\"\(htmlEscape(o.value))\"\(o.value == chosen ? " selected" : "")>\(htmlEscape(o.label))</option>"
            }
            return s + "</select>"
        }
        let label = Dictionary(uniqueKeysWithValues: labels)
        var html = """
        <!doctype html>
        <html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
        <title>Check your booking details — Roch Events</title>
        \(PageAssets.stylesheetLink)</head><body class="booking-form">
        <main><h1>Almost there: please check a few answers</h1>
        <div class="error-summary" role="alert" tabindex="-1" id="error-summary" autofocus><h2>There \(errors.count == 1 ? "is 1 problem" : "are \(errors.count) problems")</h2><ul>
        """
        for (name, _) in labels where errors[name] != nil {
            html += "<li><a href=\"#\(name)\">\(htmlEscape(label[name] ?? name)): \(htmlEscape(errors[name]!))</a></li>"
        }
        for (name, message) in errors.sorted(by: { $0.key < $1.key }) where label[name] == nil {
            html += "<li>\(htmlEscape(name)): \(htmlEscape(message))</li>"
        }
        html += "</ul></div>\n<form method=\"post\" action=\"/api/booking\" novalidate>\n"
        html += "<label for=\"event_type\">\(label["event_type"]!)</label>\(select("event_type", EventType.options))\(errorText("event_type"))"
        html += "<label for=\"event_date\">\(label["event_date"]!)</label><input type=\"date\" id=\"event_date\" name=\"event_date\" value=\"\(value("event_date"))\" required\(described("event_date"))>\(errorText("event_date"))"
        html += "<label for=\"city\">\(label["city"]!)</label><input id=\"city\" name=\"city\" value=\"\(value("city"))\" required autocomplete=\"address-level2\"\(described("city"))>\(errorText("city"))"
        html += "<label for=\"venue\">\(label["venue"]!)</label><input id=\"venue\" name=\"venue\" value=\"\(value("venue"))\"\(described("venue"))>\(errorText("venue"))"
        html += "<label for=\"guests\">\(label["guests"]!)</label><input type=\"number\" inputmode=\"numeric\" min=\"1\" max=\"\(EnquiryForm.maximumGuests)\" id=\"guests\" name=\"guests\" value=\"\(value("guests"))\" required\(described("guests"))>\(errorText("guests"))"
        let chosen = Set(fields["services"] ?? [])
        html += "<fieldset id=\"services\" class=\"check\"\(described("services"))><legend>\(label["services"]!)</legend>"
        for o in EventService.options {
            html += "<div><input type=\"checkbox\" id=\"svc-\(o.value)\" name=\"services\" value=\"\(o.value)\"\(chosen.contains(o.value) ? " checked" : "")> <label for=\"svc-\(o.value)\">\(htmlEscape(o.label))</label></div>"
        }
        html += "</fieldset>\(errorText("services"))"
        html += "<label for=\"budget\">\(label["budget"]!)</label>\(select("budget", BudgetRange.options))\(errorText("budget"))"
        html += "<label for=\"notes\">\(label["notes"]!)</label><textarea id=\"notes\" name=\"notes\" rows=\"4\" maxlength=\"2000\"\(described("notes"))>\(value("notes"))</textarea>\(errorText("notes"))"
        html += "<label for=\"name\">\(label["name"]!)</label><input id=\"name\" name=\"name\" value=\"\(value("name"))\" required autocomplete=\"name\"\(described("name"))>\(errorText("name"))"
        html += "<label for=\"phone\">\(label["phone"]!)</label><input type=\"tel\" id=\"phone\" name=\"phone\" value=\"\(value("phone"))\" required autocomplete=\"tel\"\(described("phone"))>\(errorText("phone"))"
        html += "<label for=\"email\">\(label["email"]!)</label><input type=\"email\" id=\"email\" name=\"email\" value=\"\(value("email"))\" required autocomplete=\"email\"\(described("email"))>\(errorText("email"))"
        let consent = fields["whatsapp_consent"]?.first
        html += "<fieldset id=\"whatsapp_consent\" class=\"radio\"\(described("whatsapp_consent"))><legend>May Roch Events send you updates about this booking on WhatsApp?</legend>"
        html += "<div><input type=\"radio\" id=\"wa-yes\" name=\"whatsapp_consent\" value=\"yes\"\(consent == "yes" ? " checked" : "")> <label for=\"wa-yes\">Yes, send me WhatsApp updates</label></div>"
        html += "<div><input type=\"radio\" id=\"wa-no\" name=\"whatsapp_consent\" value=\"no\"\(consent == "no" ? " checked" : "")> <label for=\"wa-no\">No, email only</label></div></fieldset>\(errorText("whatsapp_consent"))"
        html += "<div class=\"hp\" aria-hidden=\"true\"><label for=\"website\">Leave this empty</label><input id=\"website\" name=\"website\" tabindex=\"-1\" autocomplete=\"off\"></div>"
        if let key = fields["idempotency_key"]?.first, errors["idempotency_key"] == nil {
            html += "<input type=\"hidden\" name=\"idempotency_key\" value=\"\(htmlEscape(key))\">"
        }
        html += "<button type=\"submit\">Send my enquiry</button></form></main>"
        html += "</body></html>\n"
        return html
    }
}
