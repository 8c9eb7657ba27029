import Foundation
import RochHTTP
import RochIntegrations

/// The browser's return from a Razorpay Payment Link (`callback_url`). It only ever shows
/// "confirming": the signed webhook is what marks money as paid.
enum PaymentReturn {
    static let fields = ["razorpay_payment_id", "razorpay_payment_link_id", "razorpay_payment_link_reference_id",
                         "razorpay_payment_link_status", "razorpay_signature"]

    static func handle(_ request: Request, configuration: Configuration) throws -> Response {
        guard let razorpay = configuration.razorpay else {
            throw HTTPError(503, code: "razorpay_not_configured", "Online payments are not set up yet. Please contact your coordinator.")
        }
        let query: FormData
        do { query = try request.query() } catch { return page(status: 400, problem: "The payment return address is damaged.") }
        var values: [String: String] = [:]
        for name in fields {
            guard let v = query[name], !v.isEmpty, v.count <= 200 else {
                return page(status: 400, problem: "The payment return address is incomplete (\(name) is missing).")
            }
            values[name] = v
        }
        let valid = WebhookSignature.verifyRazorpayPaymentLinkCallback(
            paymentLinkID: values["razorpay_payment_link_id"]!, referenceID: values["razorpay_payment_link_reference_id"]!,
            status: values["razorpay_payment_link_status"]!, paymentID: values["razorpay_payment_id"]!,
            signature: values["razorpay_signature"], keySecret: razorpay.keySecret)
        guard valid, let milestone = milestonePublicID(reference: values["razorpay_payment_link_reference_id"]!) else {
            return page(status: 400, problem: "We could not verify this payment return: its signature does not match.")
        }
        return Response.redirect(to: "/portal/?payment=confirming&milestone=\(milestone)", status: 303)
    }

    /// Our reference ids are the milestone's public id, with `-N` for a re-issued link.
    static func milestonePublicID(reference: String) -> String? {
        let base = reference.split(separator: "-", maxSplits: 1).first.map(String.init) ?? ""
        guard (20...32).contains(base.count), base.unicodeScalars.allSatisfy({ ("a"..."z").contains($0) || ("2"..."7").contains($0) }) else { return nil }
        return base
    }

    static func page(status: Int, problem: String) -> Response {
        var response = Response.html("""
            <!doctype html>
            <html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
            <title>Payment return not verified · Roch Events</title>\(PageAssets.stylesheetLink)</head>
            <body class="payment-return">
            <h1>We could not confirm this page</h1>
            <p>\(htmlEscape(problem))</p>
            <p><strong>If you completed a payment, you do not need to pay again.</strong> Razorpay tells us about every payment
            directly, and your portal updates as soon as it does (usually within a minute).</p>
            <p><a href="/portal/">Go to your portal</a> · Questions? WhatsApp your coordinator.</p>
            </body></html>
            """, status: status)
        response.headers.set("Cache-Control", "no-store")
        return response
    }
}
