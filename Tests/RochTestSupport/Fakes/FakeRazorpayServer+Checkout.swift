import Foundation

/// A checkout page per Payment Link, for a person trying the whole flow on a laptop (`make dev`):
/// with `servesCheckout`, a link's short_url is `<fake>/i/<code>` instead of rzp.io; the page shows
/// what is due and a "Pay" button that pays the rest of the link by UPI as `pay(linkID:)` does,
/// delivers the signed webhooks to `webhookURL`, then returns to the link's callback_url with the
/// signed query, as Razorpay's hosted page does. No JavaScript.
extension FakeRazorpayServer {
    func checkout(_ request: FakeHTTPRequest) async -> FakeHTTPResponse? {
        let parts = request.path.split(separator: "/").map(String.init)
        guard parts.count >= 2, parts[0] == "i", let link = allLinks.first(where: { $0.shortURL.hasSuffix("/i/" + parts[1]) }) else { return nil }
        switch (request.method, parts.count) {
        case ("GET", 2):
            return Self.page(link)
        case ("POST", 3) where parts[2] == "pay":
            let outcome: RazorpayPaymentOutcome
            do { outcome = try pay(linkID: link.id) } catch {
                return Self.html(409, "<h1>This link cannot be paid</h1><p>\(Self.escape("\(error)"))</p>")
            }
            if configuration.webhookURL != nil && !configuration.deliverWebhooksAutomatically {
                _ = try? await deliver(inOrder: outcome.deliveries)
            } else {
                await waitForWebhooks()
            }
            if let url = try? callbackURL(linkID: link.id, paymentID: outcome.paymentID) {
                return FakeHTTPResponse(status: 303, headers: [("Location", url)])
            }
            return Self.html(200, "<h1>Payment successful</h1><p>Payment \(outcome.paymentID) of the link \(link.id).</p>")
        default:
            return Self.html(405, "<h1>Method not allowed</h1>")
        }
    }

    static func page(_ link: Link) -> FakeHTTPResponse {
        let due = link.amount - link.amountPaid
        let rupees = String(format: "₹%lld.%02lld", due / 100, due % 100)
        let code = link.shortURL.split(separator: "/").last.map(String.init) ?? ""
        let body: String
        if link.status == "created" || link.status == "partially_paid" {
            body = """
                <p>\(escape(link.description))</p><p>Due now: <strong>\(rupees)</strong></p>
                <form method="post" action="/i/\(escape(code))/pay"><button type="submit">Pay \(rupees) by UPI (test mode)</button></form>
                """
        } else {
            body = "<p>This link is \(escape(link.status)).</p>"
        }
        return html(200, "<h1>Razorpay test checkout</h1>\(body)<p><small>Fake Razorpay for development: no money moves.</small></p>")
    }

    static func html(_ status: Int, _ main: String) -> FakeHTTPResponse {
        let page = """
            <!doctype html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
            <title>Razorpay test checkout</title></head><body><main>\(main)</main></body></html>
            """
        return FakeHTTPResponse(status: status, headers: [("Content-Type", "text/html; charset=utf-8")], body: Array(page.utf8))
    }

    static func escape(_ text: String) -> String {
        text.replacingOccurrences(of: "&", with: "&amp;").replacingOccurrences(of: "<", with: "&lt;")
            .replacingOccurrences(of: ">", with: "&gt;").replacingOccurrences(of: "\"", with: "&quot;")
    }
}
