/// Decides who receives a moment's messages and on which channel: WhatsApp goes only to clients
/// who opted in, email is the second channel, and a booking without a coordinator alerts the team.
public enum NotificationPlanner {
    /// A person who can be messaged.
    public struct Contact: Sendable, Equatable {
        public var name: String
        /// E.164 phone number for WhatsApp.
        public var phone: String?
        public var email: String?
        /// For clients: did they opt in to WhatsApp? (Team members and vendors are contacted as part of their work.)
        public var whatsAppConsent: Bool

        public init(name: String, phone: String?, email: String?, whatsAppConsent: Bool = true) {
            self.name = name
            self.phone = phone
            self.email = email
            self.whatsAppConsent = whatsAppConsent
        }
    }

    /// The people around one booking.
    public struct Audience: Sendable, Equatable {
        public var client: Contact?
        public var coordinator: Contact?
        public var team: [Contact]
        public var vendor: Contact?

        public init(client: Contact?, coordinator: Contact?, team: [Contact], vendor: Contact? = nil) {
            self.client = client
            self.coordinator = coordinator
            self.team = team
            self.vendor = vendor
        }
    }

    public enum Channel: String, Sendable, Codable, CaseIterable { case whatsapp, email }

    /// One message to send.
    public struct Delivery: Sendable, Equatable {
        public var role: RecipientRole
        public var name: String
        public var channel: Channel
        public var address: String
        /// Unique per moment, booking, recipient, channel and occurrence: enqueueing twice is a no-op.
        public var idempotencyKey: String
    }

    /// The deliveries for `moment` on a booking. `occurrence` distinguishes repeats of the same moment
    /// (e.g. the milestone id for a payment, the vendor assignment and status for a vendor update).
    public static func deliveries(for moment: NotificationMoment, bookingID: Int64, occurrence: String,
                                  audience: Audience) -> [Delivery] {
        var out: [Delivery] = []
        var seen = Set<String>()
        func add(_ role: RecipientRole, _ contact: Contact, allowWhatsApp: Bool) {
            func push(_ channel: Channel, _ address: String) {
                let key = "\(moment.rawValue):\(bookingID):\(role.rawValue):\(channel.rawValue):\(address):\(occurrence)"
                guard seen.insert(key).inserted else { return }
                out.append(Delivery(role: role, name: contact.name, channel: channel, address: address, idempotencyKey: key))
            }
            if allowWhatsApp, let phone = contact.phone, !phone.isEmpty { push(.whatsapp, phone) }
            if let email = contact.email, !email.isEmpty { push(.email, email) }
        }
        for role in NotificationCatalogue.recipients(of: moment) {
            switch role {
            case .client:
                if let c = audience.client { add(.client, c, allowWhatsApp: c.whatsAppConsent) }
            case .coordinator:
                if let c = audience.coordinator {
                    add(.coordinator, c, allowWhatsApp: true)
                } else {
                    // nobody owns the booking yet: the team hears about it instead
                    for t in audience.team { add(.team, t, allowWhatsApp: true) }
                }
            case .team:
                for t in audience.team { add(.team, t, allowWhatsApp: true) }
            case .vendor:
                if let v = audience.vendor { add(.vendor, v, allowWhatsApp: true) }
            }
        }
        return out
    }
}
