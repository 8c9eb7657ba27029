import Crypto
import Foundation
#if canImport(Glibc)
import Glibc
#endif
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
    /// so counting single IPv6 addresses would limit nothing), anything else as given.
    static func source(of address: String) -> String {
        var v6 = in6_addr()
        let text = address.hasPrefix("[") && address.hasSuffix("]") ? String(address.dropFirst().dropLast()) : address
        guard text.contains(":"), inet_pton(AF_INET6, text, &v6) == 1 else { return address }
        // An IPv4-mapped address (::ffff:a.b.c.d) is the IPv4 host it names.
        let bytes = withUnsafeBytes(of: &v6) { Array($0) }
        if bytes[0..<10].allSatisfy({ $0 == 0 }) && bytes[10] == 0xff && bytes[11] == 0xff {
            return bytes[12...].map(String.init).joined(separator: ".")
        }
        withUnsafeMutableBytes(of: &v6) { raw in for i in 8..<16 { raw[i] = 0 } }
        var out = [CChar](repeating: 0, count: Int(INET6_ADDRSTRLEN))
        guard inet_ntop(AF_INET6, &v6, &out, socklen_t(out.count)) != nil else { return address }
        return String(decoding: out.prefix(while: { $0 != 0 }).map { UInt8(bitPattern: $0) }, as: UTF8.self) + "/64"
    }
}
