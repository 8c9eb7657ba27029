import Crypto
import Foundation
import RochCore
import RochHTTP
import RochIntegrations
import RochStore

extension FunctionDefinition {
    /// `POST /api/razorpay-webhook` (signed events), `GET /api/razorpay-webhook/return` (the
    /// browser's redirect after paying), `GET /api/razorpay-webhook/receipt/<token>` (receipts).
    public static let razorpayWebhook = FunctionDefinition(name: "razorpay-webhook") {
        let function = RazorpayWebhookFunction(context: try AppContext.shared())
        return { request in try await function.handle(request) }
    }
}

/// The razorpay-webhook function: verifies before it parses, stores every delivery, and lets
/// exactly one delivery of each event take effect, in one transaction.
public struct RazorpayWebhookFunction: Sendable {
    let context: AppContext
    static let provider = "razorpay"
    static let mount = "/api/razorpay-webhook"

    public init(context: AppContext) { self.context = context }

    public func handle(_ request: Request) async throws -> Response {
        let route = Self.subpath(request)
        switch route {
        case "", "/":
            guard request.method == "POST" else { throw HTTPError.methodNotAllowed(["POST"]) }
            return try await webhook(request)
        case "/return":
            guard request.method == "GET" || request.method == "HEAD" else { throw HTTPError.methodNotAllowed(["GET"]) }
            return try PaymentReturn.handle(request, configuration: context.configuration)
        default:
            guard route.hasPrefix("/receipt/") else { throw HTTPError.notFound() }
            guard request.method == "GET" || request.method == "HEAD" else { throw HTTPError.methodNotAllowed(["GET"]) }
            return try await ReceiptPage.handle(token: String(route.dropFirst("/receipt/".count)), context: context)
        }
    }

    /// The path below the function's mount point (PATH_INFO, or derived from the full path).
    static func subpath(_ request: Request) -> String {
        if !request.pathInfo.isEmpty { return request.pathInfo }
        if request.path.hasPrefix(mount) { return String(request.path.dropFirst(mount.count)) }
        return ""
    }

    private func webhook(_ request: Request) async throws -> Response {
        guard let razorpay = context.configuration.razorpay else {
            throw HTTPError(503, code: "razorpay_not_configured",
                            "Razorpay is not configured on this server: set RAZORPAY_KEY_ID, RAZORPAY_KEY_SECRET and RAZORPAY_WEBHOOK_SECRET. Nothing was recorded; Razorpay retries for 24 hours.")
        }
        let body = request.body
        let remote = request.remoteAddress.isEmpty ? nil : request.remoteAddress
        let headerEventID = request.headers["x-razorpay-event-id"].map { String($0.prefix(100)) }
        let signature = request.headers["x-razorpay-signature"]?.trimmingCharacters(in: .whitespaces)
        let db = context.database

        // Verify before anything is parsed; a rejected delivery changes nothing else, and only its
        // digest and first bytes are kept (a few per source address: see RejectedWebhooks).
        if signature == nil || signature!.isEmpty || !WebhookSignature.verifyRazorpay(body: body, signatureHex: signature, secret: razorpay.webhookSecret) {
            let missing = signature == nil || signature!.isEmpty
            let outcome = missing ? "rejected: no X-Razorpay-Signature header" : "rejected: X-Razorpay-Signature does not match the body"
            let rejections = RejectedWebhooks(provider: Self.provider, limit: context.configuration.webhookRejectedLimit)
            _ = try await db.withConnection { c in
                try rejections.record(c, request: request, eventID: headerEventID, outcome: outcome)
            }
            if missing { throw HTTPError.badRequest("The X-Razorpay-Signature header is missing: this endpoint only accepts signed Razorpay webhooks.", code: "missing_signature") }
            throw HTTPError.unauthorized("The X-Razorpay-Signature does not match the body for our webhook secret.")
        }

        // Razorpay always sends an event id; without one, the body itself identifies the event.
        let eventID = headerEventID.flatMap { $0.isEmpty ? nil : $0 } ?? "sha256:" + SHA256.hash(data: body).map { String(format: "%02x", $0) }.joined()
        let event = try? RazorpayEvent.decode(body)
        let name = event?.event ?? Self.eventName(body) ?? "unreadable"
        if event == nil, RazorpayEventProcessor.handled.contains(name) {
            // An event we act on that we cannot read (Razorpay changed a field?): never acknowledge
            // it, or a payment would be lost. Keep it and answer 500 so Razorpay retries while we fix it.
            log("razorpay-webhook: cannot read \(name) event \(eventID)")
            _ = try await db.withConnection { c in
                try WebhookDeliveryRepository.record(c, provider: Self.provider, eventID: eventID, event: name, signatureOK: true, body: body,
                                                     remoteAddress: remote, outcome: "error: signed \(name) body could not be read")
            }
            throw HTTPError(500, code: "unreadable_event", "The \(name) event could not be read; it was stored and Razorpay will retry it.")
        }
        let processor = RazorpayEventProcessor(configuration: context.configuration)
        do {
            let answer: WebhookAnswer = try await db.transaction { c in
                guard let deliveryID = try WebhookDeliveryRepository.claim(c, provider: Self.provider, eventID: eventID, event: name,
                                                                           body: body, remoteAddress: remote) else {
                    let original = try WebhookDeliveryRepository.processed(c, provider: Self.provider, eventID: eventID)
                    try WebhookDeliveryRepository.record(c, provider: Self.provider, eventID: eventID, event: name, signatureOK: true, body: body,
                                                         remoteAddress: remote, outcome: "duplicate", duplicateOf: original)
                    return WebhookAnswer(status: "duplicate", event: name, outcome: "already processed")
                }
                let outcome = try event.map { try processor.apply($0, on: c) } ?? "ignored: the body is not a Razorpay event"
                try WebhookDeliveryRepository.setOutcome(c, id: deliveryID, outcome: outcome)
                return WebhookAnswer(status: outcome.hasPrefix("ignored") ? "ignored" : "processed", event: name, outcome: outcome)
            }
            return try Response.json(answer)
        } catch {
            // Nothing took effect; keep the evidence and let Razorpay retry.
            log("razorpay-webhook: event \(eventID) (\(name)) failed: \(String(reflecting: error))")
            _ = try? await db.withConnection { c in
                try WebhookDeliveryRepository.record(c, provider: Self.provider, eventID: eventID, event: name, signatureOK: true, body: body,
                                                     remoteAddress: remote, outcome: "error: \(String(describing: error).prefix(500))")
            }
            throw HTTPError(500, code: "processing_failed", "The event could not be processed and nothing was changed; Razorpay will retry it.")
        }
    }
}

extension RazorpayWebhookFunction {
    /// The `event` field of a body that did not decode as a whole.
    static func eventName(_ body: [UInt8]) -> String? {
        struct Named: Decodable { var event: String }
        return (try? JSONDecoder().decode(Named.self, from: Data(body)))?.event
    }
}

/// The JSON answer to a webhook delivery.
struct WebhookAnswer: Codable, Sendable {
    var status: String
    var event: String
    var outcome: String
}
