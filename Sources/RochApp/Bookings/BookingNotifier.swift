import Foundation
import RochCore
import RochStore

/// Turns a notification moment on a booking into outbox rows, in the caller's transaction:
/// gathers the audience (client, coordinator, team) and the standard parameters, plans the
/// deliveries with `NotificationPlanner`, and queues them.
public struct BookingNotifier: Sendable {
    public let configuration: Configuration

    public init(configuration: Configuration) { self.configuration = configuration }

    /// Queues `moment` for the booking. `extra` adds or overrides parameters (amounts, links, call time).
    /// `roles` narrows the catalogue's recipients (e.g. a "due soon" payment reminder goes to the client only).
    /// `assignees` replaces the booking's coordinator as the coordinator-role recipient (a task's people;
    /// none: the team hears instead).
    @discardableResult
    public func notify(_ c: Connection, moment: NotificationMoment, booking: BookingRecord, occurrence: String = "1",
                       extra: [String: String] = [:], dueAt: Date? = nil, staleAfter: Date? = nil,
                       vendor: NotificationPlanner.Contact? = nil, roles: Set<RecipientRole>? = nil,
                       assignees: [StaffMember]? = nil) throws -> Int {
        let client = try ClientRepository.find(c, id: booking.clientID)
        let coordinator = try booking.coordinatorID.flatMap { try TeamRepository.find(c, id: $0) }
        var audience = NotificationPlanner.Audience(
            client: client.map { .init(name: $0.name, phone: $0.phone, email: $0.email, whatsAppConsent: $0.whatsAppConsent) },
            coordinator: nil, team: try team(c), vendor: vendor)
        var parameters = standardParameters(booking: booking, client: client, coordinator: coordinator)
        parameters.merge(extra) { _, new in new }
        let people: [StaffMember?] = assignees.map { $0.isEmpty ? [nil] : $0.map { Optional($0) } } ?? [coordinator]
        var deliveries: [NotificationPlanner.Delivery] = []
        var keys = Set<String>()
        for person in people {
            audience.coordinator = person.map { .init(name: $0.name, phone: $0.phone, email: $0.email) }
            deliveries += NotificationPlanner.deliveries(for: moment, bookingID: booking.id, occurrence: occurrence, audience: audience)
                .filter { (roles?.contains($0.role) ?? true) && keys.insert($0.idempotencyKey).inserted }
        }
        // The client's copy carries a personal sign-in link (a magic link) wherever the wording links
        // to the portal: the row holds a reference, and the worker mints the link when it sends.
        var clientLink: PortalLinkReference?
        if let client, extra["portal_link"] == nil, deliveries.contains(where: { $0.role == .client }),
           Self.usesPortalLink(moment, .client) {
            clientLink = PortalLinkReference(clientID: client.id, lifetimeSeconds: Int(PortalAccess.momentLinkLifetime),
                                             issuedBy: "moment:\(moment.rawValue)")
        }
        let messages = deliveries.map { d in
                OutboxMessage(idempotencyKey: d.idempotencyKey, moment: moment, bookingID: booking.id, recipientRole: d.role,
                              recipientName: d.name, channel: d.channel == .whatsapp ? .whatsapp : .email, address: d.address,
                              parameters: parameters, portalLink: d.role == .client ? clientLink : nil, dueAt: dueAt, staleAfter: staleAfter)
            }
        return try OutboxRepository.enqueue(c, messages)
    }

    /// True when the recipient's WhatsApp or email wording for the moment contains {{portal_link}}.
    static func usesPortalLink(_ moment: NotificationMoment, _ recipient: RecipientRole) -> Bool {
        guard let t = NotificationCatalogue.template(for: moment, recipient: recipient) else { return false }
        return [t.whatsApp.body, t.email.text, t.email.subject].contains { $0.contains("{{portal_link}}") }
    }

    /// The team: the WhatsApp numbers in STAFF_WHATSAPP, and owners by email.
    func team(_ c: Connection) throws -> [NotificationPlanner.Contact] {
        var contacts = configuration.staffWhatsApp.map { NotificationPlanner.Contact(name: "Roch team", phone: $0, email: nil) }
        for member in try TeamRepository.active(c) where member.role == "owner" {
            contacts.append(.init(name: member.name, phone: nil, email: member.email))
        }
        return contacts
    }

    /// Parameters every moment may use, formatted for people in India.
    public func standardParameters(booking: BookingRecord, client: ClientRecord?, coordinator: StaffMember?) -> [String: String] {
        let site = configuration.siteURL
        var p: [String: String] = [
            "client_name": client?.name ?? "there",
            "event_type": EventType(rawValue: booking.eventType)?.label ?? booking.eventType,
            "event_date": NotificationFormat.date(booking.eventDate),
            "city": booking.city,
            "guests": String(booking.guests),
            "budget": BudgetRange(rawValue: booking.budget)?.label ?? booking.budget,
            "phone": client?.phone ?? "",
            "email": client?.email ?? "",
            "venue": booking.venue ?? booking.city,
            "coordinator_name": coordinator?.name ?? "the Roch Events team",
            "coordinator_phone": coordinator?.phone ?? (configuration.staffWhatsApp.first ?? ""),
            "portal_link": "\(site)/portal/",
            "admin_link": "\(site)/admin/bookings/\(booking.publicID)",
            "review_link": "\(site)/testimonials/",
        ]
        if let t = booking.eventStartTime, let time = Self.timeOfDay(t) { p["event_time"] = NotificationFormat.time(time) }
        return p
    }

    /// "HH:MM" as stored by the booking repository.
    static func timeOfDay(_ text: String) -> TimeOfDay? {
        let parts = text.split(separator: ":").compactMap { Int($0) }
        return parts.count >= 2 ? TimeOfDay(hour: parts[0], minute: parts[1]) : nil
    }
}
