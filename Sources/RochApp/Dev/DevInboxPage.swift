import Foundation
import RochCore
import RochHTTP
import RochIntegrations

/// `/dev/inbox`, served by `roch serve` only (never by the CGI or FastCGI functions): every WhatsApp
/// message and email the fake providers accepted, newest first, as its recipient reads it, links
/// clickable. It reads what was delivered, from the fakes' control listings: `DEV_FAKE_WHATSAPP_URL`
/// and `DEV_FAKE_SMTP_URL` (scripts/dev.sh sets both when it starts the fakes).
public struct DevInboxPage: Sendable {
    let whatsAppFake: String?
    let smtpFake: String?
    let client: HTTPClient

    public init(environment: [String: String] = ProcessInfo.processInfo.environment, client: HTTPClient = HTTPClient(totalTimeout: .seconds(5))) {
        whatsAppFake = environment["DEV_FAKE_WHATSAPP_URL"].flatMap { $0.isEmpty ? nil : $0 }
        smtpFake = environment["DEV_FAKE_SMTP_URL"].flatMap { $0.isEmpty ? nil : $0 }
        self.client = client
    }

    public static let path = "/dev/inbox"

    public func handle(_ request: Request) async throws -> Response {
        guard request.method == "GET" || request.method == "HEAD" else { throw HTTPError.methodNotAllowed(["GET"]) }
        var whatsApp: [Item] = [], email: [Item] = []
        var problems: [String] = []
        if let whatsAppFake {
            do { whatsApp = try whatsAppMessages(whatsAppFake) } catch { problems.append("The fake WhatsApp at \(whatsAppFake) did not answer: \(error)") }
        } else {
            problems.append("No fake WhatsApp is configured (DEV_FAKE_WHATSAPP_URL): messages go to the real provider and are not shown here.")
        }
        if let smtpFake {
            do { email = try emails(smtpFake) } catch { problems.append("The fake SMTP server at \(smtpFake) did not answer: \(error)") }
        } else {
            problems.append("No fake SMTP server is configured (DEV_FAKE_SMTP_URL): email goes to the real server and is not shown here.")
        }
        var response = Response(status: 200, contentType: "text/html; charset=utf-8",
                                body: Array(Self.html(whatsApp: whatsApp.reversed(), email: email.reversed(), problems: problems).utf8))
        response.headers.set("Cache-Control", "no-store")
        return response
    }

    /// One delivered message on the page.
    struct Item {
        var to: String
        var heading: String
        var html: String
    }

    func listing(_ base: String) throws -> [[String: Any]] {
        let response = try client.send(HTTPRequest(url: base.trimmingSuffix("/") + "/__fake/messages"))
        guard response.status == 200,
              let json = try JSONSerialization.jsonObject(with: Data(response.body)) as? [String: Any],
              let messages = json["messages"] as? [[String: Any]] else { throw HTTPError(502, code: "fake_unreadable", "status \(response.status)") }
        return messages
    }

    func whatsAppMessages(_ base: String) throws -> [Item] {
        try listing(base).map { m in
            let template = m["template"] as? String ?? ""
            let parameters = (m["parameters"] as? [Any] ?? []).map { "\($0)" }
            let text = DevInboxMessages.whatsAppText(template: template, parameters: parameters)
            return Item(to: m["to"] as? String ?? "",
                        heading: "Template \(template)",
                        html: text.map(DevInboxMessages.linkedHTML) ?? "Parameters: " + DevInboxMessages.linkedHTML(parameters.joined(separator: " · ")))
        }
    }

    func emails(_ base: String) throws -> [Item] {
        try listing(base).map { m in
            let mail = DevInboxMessages.mail(m["data"] as? String ?? "")
            return Item(to: mail.to, heading: mail.subject,
                        html: "<p class=\"from\">From \(HTMLText.escape(mail.from))</p>\n<p>\(DevInboxMessages.linkedHTML(mail.text))</p>")
        }
    }

    /// The fakes list in arrival order; the page shows each channel newest first.
    static func html(whatsApp: [Item], email: [Item], problems: [String]) -> String {
        var page = """
        <!doctype html>
        <html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
        <title>Dev inbox · Roch Events</title>
        <style>body{font:16px/1.5 system-ui,sans-serif;margin:0 auto;max-width:44rem;padding:1rem;color:#2a1d22}
        article{border:1px solid #e6d9cc;border-radius:8px;padding:.75rem 1rem;margin:0 0 1rem}
        h3{font-size:1.05rem;margin:.25rem 0}.meta,.from{color:#5b4b51;font-size:.9rem;margin:0}a{color:#7a1f3d;word-break:break-all}</style>
        </head><body><main>
        <h1>Dev inbox</h1>
        <p>Every WhatsApp message and email the fake providers accepted, newest first, as its recipient reads it. Development only.</p>

        """
        for problem in problems { page += "<p role=\"status\">\(HTMLText.escape(problem))</p>\n" }
        for (title, items) in [("WhatsApp", whatsApp), ("Email", email)] {
            page += "<section aria-labelledby=\"\(title.lowercased())\">\n<h2 id=\"\(title.lowercased())\">\(title) (\(items.count))</h2>\n"
            if items.isEmpty { page += "<p>None yet. The worker sends queued messages within a few seconds.</p>\n" }
            for item in items {
                page += """
                <article>
                <p class="meta">To \(HTMLText.escape(item.to))</p>
                <h3>\(HTMLText.escape(item.heading))</h3>
                <div>\(item.html)</div>
                </article>

                """
            }
            page += "</section>\n"
        }
        return page + "</main></body></html>\n"
    }
}

extension String {
    fileprivate func trimmingSuffix(_ suffix: String) -> String { hasSuffix(suffix) ? String(dropLast(suffix.count)) : self }
}
