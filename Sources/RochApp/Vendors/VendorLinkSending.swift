import Foundation
import RochCore
import RochStore

/// Why a vendor's link could not be sent; said on the page as it is.
public struct VendorLinkNotSent: Error, Sendable, Equatable, CustomStringConvertible {
    public var message: String
    public var description: String { message }
}

extension VendorMilestoneService {
    /// Sends (or re-sends) a vendor their signed self-service link on WhatsApp/email (`vendor_link_sent`),
    /// at any time. A revoked assignment gets a new link version first, so only this link works.
    /// Audited; in the caller's transaction. Returns what the vendor was sent.
    @discardableResult
    public func sendLink(assignmentID: Int64, actorLabel: String, on c: Connection, now: Date = Date()) throws -> (url: String, expiresAt: Date) {
        guard let secret = configuration.vendorLinkSecret else {
            throw VendorLinkNotSent(message: "Vendor links are not configured (VENDOR_LINK_SECRET), so no link can be sent.")
        }
        guard var a = try VendorRepository.lockAssignment(c, id: assignmentID) else { throw VendorAssignmentNotFound(id: assignmentID) }
        guard let vendor = try VendorRepository.findVendor(c, id: a.vendorID), vendor.whatsAppNumber != nil || vendor.email != nil else {
            throw VendorLinkNotSent(message: "\(a.vendorName) has no phone number or email: add one on the vendor's page first.")
        }
        if a.linkRevokedAt != nil { a.linkVersion = try VendorRepository.bumpLinkVersion(c, id: a.id) }
        guard let booking = try BookingRepository.find(c, id: a.bookingID) else { throw BookingNotFound() }
        let expires = now.addingTimeInterval(Self.linkLifetime)
        let url = VendorLinks(secret: secret).url(siteURL: configuration.siteURL, assignmentID: a.id, version: a.linkVersion, expiresAt: expires)
        try notifier.notify(c, moment: .vendorLinkSent, booking: booking, occurrence: "\(a.id):v\(a.linkVersion):\(Int64(now.timeIntervalSince1970))",
                            extra: ["vendor_name": vendor.name, "vendor_role": a.role, "update_link": url,
                                    "link_expiry": NotificationFormat.dateTime(expires)],
                            vendor: .init(name: vendor.name, phone: vendor.whatsAppNumber, email: vendor.email), roles: [.vendor])
        try TeamRepository.audit(c, actor: actorLabel, action: "vendor.link_sent", entity: "vendor_assignment", entityID: String(a.id),
                                 details: ["version": String(a.linkVersion)])
        return (url, expires)
    }
}
