import Foundation
import RochCore
import RochStore

/// A staff member asking for something on a booking: who, from where, and what the page showed.
public struct StaffActor: Sendable {
    public var staffID: Int64
    public var client: StaffClient
    public init(staffID: Int64, client: StaffClient) {
        self.staffID = staffID
        self.client = client
    }
    public var label: String { "staff:\(staffID)" }
}

/// The team's lifecycle buttons: each fires its event through `TransitionService` in one
/// transaction with an audit row saying who asked from where. The handler has already read and
/// checked the event's form with `LifecycleEventForm`, so every moment has its parameters.
public struct StaffLifecycleActions: Sendable {
    let transitions: TransitionService

    public init(configuration: Configuration) { transitions = TransitionService(configuration: configuration) }

    /// Fires `event`; `seen` is the state the person's page showed (a different one is a
    /// `TransitionConflict`, like any refusal of the lifecycle table, and nothing is written).
    @discardableResult
    public func fire(_ c: Connection, bookingID: Int64, event: BookingEvent, seen: BookingState, input: LifecycleEventInput,
                     by actor: StaffActor, now: Date = Date()) throws -> BookingRecord {
        try c.transaction { c in
            let booking = try transitions.fire(TransitionRequest(bookingID: bookingID, event: event, actor: .teamMember, actorLabel: actor.label,
                                                                 expectedState: seen, reason: input.reason, parameters: input.parameters),
                                               on: c, now: now)
            var details = ["event": event.rawValue, "from": seen.rawValue, "to": booking.state.rawValue]
            if let refund = input.refund { details["refund"] = refund ? "yes" : "no" }
            if let reason = input.reason { details["reason"] = reason }
            try AuditLogQueries.record(c, actor: actor.label, action: "staff.booking_event", entity: "booking", entityID: booking.publicID,
                                       details: details, ip: actor.client.ip, userAgent: actor.client.userAgent)
            return booking
        }
    }
}
