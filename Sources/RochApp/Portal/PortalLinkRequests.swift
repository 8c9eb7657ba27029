import Foundation
import RochCore
import RochHTTP
import RochStore

/// "Send me a new link": a client enters their phone number. The request does the same work for
/// every number (two rate-limit counters and one queued job, in one round of queries), and the
/// answer is the same, so neither its words nor its timing say whether the number is a client's.
/// The worker's `portal_link_request` job looks the number up and, for a client, queues the
/// `portal_link_requested` WhatsApp/email messages; the link is minted when each is sent.
public struct PortalLinkRequests: Sendable {
    public struct Limits: Sendable, Equatable {
        public var perIP: RateLimiter.Limit
        public var perPhone: RateLimiter.Limit

        public init(perIP: RateLimiter.Limit, perPhone: RateLimiter.Limit) {
            self.perIP = perIP
            self.perPhone = perPhone
        }

        /// 10 per IP per 10 minutes, 3 per phone per hour; PORTAL_LINK_LIMIT_PER_IP / _PER_PHONE ("hits/seconds").
        public static func from(environment env: [String: String]) -> Limits {
            Limits(perIP: .setting("PORTAL_LINK_LIMIT_PER_IP", in: env, default: .init(hits: 10, windowSeconds: 600)),
                   perPhone: .setting("PORTAL_LINK_LIMIT_PER_PHONE", in: env, default: .init(hits: 3, windowSeconds: 3600)))
        }
    }

    public static let jobKind = "portal_link_request"
    static let answer = "If this number belongs to one of our clients, we have sent a sign-in link to it on WhatsApp and by email. It works for 24 hours."

    let context: AppContext
    let limits: Limits

    public init(context: AppContext, limits: Limits) {
        self.context = context
        self.limits = limits
    }

    func handle(_ request: Request) async throws -> Response {
        let raw: String
        if request.isJSON {
            struct Body: Decodable { let phone: String }
            raw = try request.decodeJSON(Body.self).phone
        } else {
            raw = try request.form()["phone"] ?? ""
        }
        let phone: PhoneNumber
        do { phone = try PhoneNumber.parse(raw) } catch let e as PhoneNumberError {
            throw HTTPError.unprocessable("Check the phone number.", fields: ["phone": e.message])
        }
        let network = ClientNetwork.rateLimitKey(for: request.remoteAddress)  // IPv6 counts by /64
        let limits = self.limits
        try await context.database.withConnection { c in
            if let network, let retry = try RateLimiter.hit(c, key: "portal-link:ip:\(network)", limit: limits.perIP) {
                throw HTTPError.tooManyRequests(retryAfter: retry)
            }
            if let retry = try RateLimiter.hit(c, key: "portal-link:phone:\(phone.e164)", limit: limits.perPhone) {
                throw HTTPError.tooManyRequests(retryAfter: retry)
            }
            try OutboxRepository.enqueueJob(c, kind: Self.jobKind, idempotencyKey: "\(Self.jobKind):\(PublicID.make())",
                                            payload: try JSONB(encoding: ["phone": phone.e164]))
        }
        if ErrorResponder.wantsJSON(request) { return try Response.json(["message": Self.answer], status: 202) }
        return Response.redirect(to: "/portal/?signin=sent")
    }
}

/// The worker's half of a link request: for a known client, queue the messages (each carries a
/// link minted when it is sent).
public struct PortalLinkRequestJob: JobHandler {
    public var kind: String { PortalLinkRequests.jobKind }
    public init() {}

    public func run(_ job: JobRecord, context: AppContext) async throws {
        struct Payload: Decodable { let phone: String }
        guard let payload = try? job.payload.decode(Payload.self) else { throw JobFailure.permanent(reason: "payload has no phone") }
        _ = try await context.database.transaction { c in
            try Self.send(c, phone: payload.phone, jobID: job.id)
        }
    }

    /// Returns how many messages were queued (0 for a number that is not a client's).
    @discardableResult
    static func send(_ c: Connection, phone: String, jobID: Int64, now: Date = Date()) throws -> Int {
        guard let client = try PortalAccessRepository.client(c, phone: phone) else { return 0 }
        // The worker mints the link (and its expiry) when it sends: the outbox row never holds it.
        let expires = now.addingTimeInterval(PortalAccess.requestedLinkLifetime)
        let link = PortalLinkReference(clientID: client.id, lifetimeSeconds: Int(PortalAccess.requestedLinkLifetime), issuedBy: "client:request")
        let parameters = ["client_name": client.name]
        var messages: [OutboxMessage] = []
        func add(_ channel: OutboxMessage.Channel, _ address: String) {
            messages.append(OutboxMessage(
                idempotencyKey: "portal_link_requested:client:\(client.id):\(channel.rawValue):job\(jobID)",
                moment: .portalLinkRequested, bookingID: nil, recipientRole: .client, recipientName: client.name,
                channel: channel, address: address, parameters: parameters, portalLink: link,
                staleAfter: expires))
        }
        if client.whatsAppConsent { add(.whatsapp, client.phone) }
        if let email = client.email, !email.isEmpty { add(.email, email) }
        return try OutboxRepository.enqueue(c, messages)
    }
}
