import Crypto
import Foundation
import RochCore
import RochHTTP
import RochStore

/// What is kept of a webhook delivery that failed verification: its SHA-256, its length and its
/// first 512 bytes, and only while its source (an IPv4 address, an IPv6 /64) has sent at most
/// WEBHOOK_REJECTED_LIMIT of them in the window; beyond that it is only counted. Anyone can post
/// to a webhook URL, so nothing an unverified sender does may grow the database much.
struct RejectedWebhooks: Sendable {
    let provider: String
    let limit: RateLimiter.Limit

    /// Records the rejection; returns true when a row was stored (false: only counted).
    @discardableResult
    func record(_ c: Connection, request: Request, eventID: String?, outcome: String) throws -> Bool {
        let body = request.body
        let remote = request.remoteAddress.isEmpty ? nil : request.remoteAddress
        let rejected = WebhookDeliveryRepository.Rejected(
            provider: provider, eventID: eventID.map { String($0.prefix(100)) }, bodySHA256: Array(SHA256.hash(data: body)),
            bodyLength: body.count, bodyPrefix: Array(body.prefix(WebhookDeliveryRepository.rejectedPrefixBytes)),
            remoteAddress: remote, source: Self.source(of: request.remoteAddress), outcome: outcome)
        return try WebhookDeliveryRepository.recordRejected(c, rejected, limit: limit)
    }

    /// The address a limit counts by: IPv4 as it is, IPv6 as its /64 (one host holds a whole /64,
    /// so counting single IPv6 addresses would limit nothing), anything else as given (`ClientNetwork`).
    static func source(of address: String) -> String {
        ClientNetwork.rateLimitKey(for: address) ?? address
    }
}
