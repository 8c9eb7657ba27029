import Foundation
import RochCore
import RochStore

/// Mints the client's portal sign-in link for a message whose row holds a `PortalLinkReference`,
/// just before it is sent: the outbox never stores a usable link, and each send (a retry, a
/// resend after a crash) carries a fresh one. Also sets `link_expiry` to the new link's expiry.
struct PortalLinkMinting: Sendable {
    let database: Database
    let siteURL: String

    enum Prepared: Sendable {
        case ready(ClaimedNotification)
        case notSent(DeliveryOutcome)
    }

    func prepare(_ n: ClaimedNotification, now: Date = Date()) async -> Prepared {
        guard let reference = n.portalLink else { return .ready(n) }
        let siteURL = self.siteURL
        let lifetime = TimeInterval(reference.lifetimeSeconds)
        do {
            let link = try await database.withConnection { c in
                try PortalAccess.issueLink(c, clientID: reference.clientID, issuedBy: reference.issuedBy, lifetime: lifetime,
                                           siteURL: siteURL, now: now)
            }
            var ready = n
            ready.parameters["portal_link"] = link
            ready.parameters["link_expiry"] = NotificationFormat.dateTime(now.addingTimeInterval(lifetime))
            return .ready(ready)
        } catch {
            return .notSent(.retry(reason: "cannot mint the portal link: \(String(describing: error).prefix(200))", minimumDelay: nil))
        }
    }
}
