import Foundation
import RochCore
import RochStore

/// What entering a booking by hand made.
public struct StaffBookingEntered: Sendable {
    public var booking: BookingRecord
    /// The client the phone already belonged to (their stored details kept); nil when the booking
    /// made a new client.
    public var existingClient: ClientRecord?
}

/// A booking the team takes down from a phone call, a WhatsApp chat, a walk-in or a referral. It
/// enters the lifecycle at Enquiry through `TransitionService.created`, exactly as a web enquiry
/// does (the same moments, outbox rows, tasks and timeline entry), in one transaction with the
/// audit rows of its source and of the client's WhatsApp consent as told to the team.
public struct StaffBookingEntry: Sendable {
    let transitions: TransitionService

    public init(configuration: Configuration) { transitions = TransitionService(configuration: configuration) }

    public func enter(_ c: Connection, _ entry: ManualBooking, by actor: StaffActor) throws -> StaffBookingEntered {
        let e = entry.enquiry
        return try c.transaction { c in
            // A known number keeps its stored details: what was typed stays on the booking, where
            // the booking page offers to adopt it (as for a web enquiry).
            let (client, isNew) = try ClientRepository.findOrCreate(c, phone: e.phone, name: e.name, email: e.email,
                                                                    whatsAppConsent: e.whatsAppConsent)
            let (booking, _) = try BookingRepository.insert(c, NewBooking(publicID: PublicID.make(), clientID: client.id, enquiry: e,
                                                                          sourceIP: nil, source: entry.source))
            try transitions.created(booking, actorLabel: actor.label, on: c)
            try AuditLogQueries.record(c, actor: actor.label, action: "staff.booking_entered", entity: "booking", entityID: booking.publicID,
                                       details: ["source": entry.source.rawValue, "client": String(client.id), "new_client": isNew ? "yes" : "no"],
                                       ip: actor.client.ip, userAgent: actor.client.userAgent)
            try AuditLogQueries.record(c, actor: actor.label, action: "client.whatsapp_consent", entity: "client", entityID: String(client.id),
                                       details: ["consent": e.whatsAppConsent ? "yes" : "no", "source": entry.source.rawValue,
                                                 "booking": booking.publicID,
                                                 "recorded_on": isNew ? "client" : "booking (the client's stored consent is kept until adopted)"],
                                       ip: actor.client.ip, userAgent: actor.client.userAgent)
            return StaffBookingEntered(booking: booking, existingClient: isNew ? nil : client)
        }
    }
}
