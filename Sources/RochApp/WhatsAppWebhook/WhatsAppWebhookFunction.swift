import Crypto
import Foundation
import RochCore
import RochHTTP
import RochIntegrations
import RochStore

extension FunctionDefinition {
    /// `GET/POST /api/whatsapp-webhook`: Meta's verification handshake, delivery statuses, client replies.
    public static let whatsappWebhook = FunctionDefinition(name: "whatsapp-webhook", maxBodyBytes: WhatsAppWebhookHandler.maxBodyBytes) {
        let handler = WhatsAppWebhookHandler(context: try AppContext.shared())
        return { request in try await handler.handle(request) }
    }
}

/// The whatsapp-webhook function's logic. POST bodies are verified (`X-Hub-Signature-256`) on the
/// raw bytes before anything parses them; a whole batch (up to 1,000 updates, 3 MB) is applied in
/// one transaction with set-based SQL, idempotently (Meta delivers at least once, in any order).
public struct WhatsAppWebhookHandler: Sendable {
    /// Meta sends up to 3 MB; a little margin for encoding differences.
    public static let maxBodyBytes = 3 * 1024 * 1024 + 64 * 1024

    let context: AppContext

    public init(context: AppContext) { self.context = context }

    public func handle(_ request: Request) async throws -> Response {
        guard let whatsApp = context.configuration.whatsApp else {
            throw HTTPError(503, code: "not_configured",
                            "WhatsApp is not configured on this server: set WHATSAPP_ACCESS_TOKEN, WHATSAPP_PHONE_NUMBER_ID, WHATSAPP_APP_SECRET and WHATSAPP_VERIFY_TOKEN.")
        }
        switch request.method {
        case "GET": return try verify(request, token: whatsApp.verifyToken)
        case "POST": return try await receive(request, appSecret: whatsApp.appSecret)
        default: throw HTTPError.methodNotAllowed(["GET", "POST"])
        }
    }

    /// `?hub.mode=subscribe&hub.verify_token=...&hub.challenge=...`: 200 with the challenge, else 403.
    func verify(_ request: Request, token: String) throws -> Response {
        guard let query = try? request.query() else { throw HTTPError.badRequest("The query string is not valid URL encoding.") }
        let given = Array((query["hub.verify_token"] ?? "").utf8)
        let tokenMatches = given.count == token.utf8.count && zip(given, token.utf8).reduce(0) { $0 | ($1.0 ^ $1.1) } == 0
        guard query["hub.mode"] == "subscribe", tokenMatches else {
            throw HTTPError.forbidden("The verification token does not match WHATSAPP_VERIFY_TOKEN.")
        }
        guard let challenge = query["hub.challenge"], !challenge.isEmpty, challenge.count <= 512 else {
            throw HTTPError.badRequest("hub.challenge is missing.")
        }
        return Response(status: 200, contentType: "text/plain; charset=utf-8", body: Array(challenge.utf8))
    }

    func receive(_ request: Request, appSecret: String) async throws -> Response {
        guard request.body.count <= Self.maxBodyBytes else { throw HTTPError.payloadTooLarge(limit: Self.maxBodyBytes) }
        guard !request.body.isEmpty else { throw HTTPError.badRequest("The request has no body.", code: "empty_body") }
        guard let signature = request.headers["x-hub-signature-256"] else {
            try await reject(request, "rejected: no X-Hub-Signature-256 header")
            throw HTTPError.unauthorized("X-Hub-Signature-256 is missing.")
        }
        guard WebhookSignature.verifyWhatsApp(body: request.body, header: signature, appSecret: appSecret) else {
            try await reject(request, "rejected: X-Hub-Signature-256 does not match the body")
            throw HTTPError.unauthorized("X-Hub-Signature-256 does not match the body.")
        }
        let webhook: WhatsAppWebhook
        do { webhook = try WhatsAppWebhook.decode(request.body) } catch {
            throw HTTPError.badRequest("The body is not a WhatsApp webhook: \(String(describing: error).prefix(200))", code: "invalid_json")
        }
        guard webhook.object == "whatsapp_business_account" else {
            throw HTTPError.badRequest("Unexpected object '\(webhook.object.prefix(60))'.", code: "unexpected_object")
        }
        let statuses = webhook.statuses.map(Self.update)
        let messages = webhook.inboundMessages.map { Self.inbound($0, contacts: webhook.entry) }
        let templates = webhook.templateStatusUpdates.compactMap { u in
            WhatsAppTemplateApprovals.status(afterEvent: u.event).map { (update: u, name: u.name, language: u.language, status: $0) }
        }
        let alerts = DeliveryAlerts(notifier: BookingNotifier(configuration: context.configuration))
        let result = try await context.database.transaction { c in
            let (new, changes) = try WhatsAppInbox.record(c, statuses: statuses)
            try alerts.raise(c, failedStatuses: changes)
            let stored = try WhatsAppInbox.receive(c, messages: messages)
            for t in templates {
                try WhatsAppTemplateRepository.record(c, name: t.name, language: t.language, category: nil, status: t.status,
                                                      metaTemplateID: t.update.templateID, reason: t.update.reason)
            }
            return Receipt(statuses: statuses.count, newStatuses: new, changed: changes.count,
                           messages: messages.count, newMessages: stored.count)
        }
        return try Response.json(result)
    }

    /// Keeps the evidence of a delivery that failed verification: its digest and first bytes, a
    /// few per source address (see RejectedWebhooks); the rest are only counted.
    func reject(_ request: Request, _ outcome: String) async throws {
        let rejections = RejectedWebhooks(provider: "whatsapp", limit: context.configuration.webhookRejectedLimit)
        _ = try await context.database.withConnection { c in
            try rejections.record(c, request: request, eventID: nil, outcome: outcome)
        }
    }

    struct Receipt: Encodable, Sendable {
        var statuses: Int
        var newStatuses: Int
        var changed: Int
        var messages: Int
        var newMessages: Int
        enum CodingKeys: String, CodingKey {
            case statuses, newStatuses = "new_statuses", changed, messages, newMessages = "new_messages"
        }
    }

    static func date(_ unixSeconds: String) -> Date {
        Double(unixSeconds).map { Date(timeIntervalSince1970: $0) } ?? Date()
    }

    static func update(_ s: WhatsAppWebhook.Status) -> DeliveryStatusUpdate {
        let error = s.errors?.first
        return DeliveryStatusUpdate(wamid: s.id, status: s.status, at: date(s.timestamp), errorCode: error?.code,
                                    errorDetail: error.map { $0.errorData?.details ?? $0.message ?? $0.title ?? "failed" })
    }

    static func inbound(_ m: WhatsAppWebhook.InboundMessage, contacts entries: [WhatsAppWebhook.Entry]) -> InboundWhatsAppMessage {
        let name = entries.lazy.flatMap { $0.changes }.compactMap { $0.value.contacts }.joined()
            .first { $0.waID == m.from }?.profile?.name
        let digits = m.from.filter(\.isNumber)
        return InboundWhatsAppMessage(wamid: m.id, fromPhone: "+" + digits, profileName: name, kind: m.type,
                                      body: m.text?.body ?? "[\(m.type) message]", receivedAt: date(m.timestamp))
    }
}
