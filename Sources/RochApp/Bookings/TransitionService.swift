import Foundation
import RochCore
import RochStore

/// A request to move a booking through its lifecycle (from the admin dashboard or a webhook).
public struct TransitionRequest: Sendable {
    public var bookingID: Int64
    public var event: BookingEvent
    public var actor: ActorKind
    /// Who, for the audit trail: "staff:12", "razorpay", "system".
    public var actorLabel: String
    /// The state the person saw when they clicked; a different current state means their view is stale.
    public var expectedState: BookingState?
    public var reason: String?
    /// Moment parameters the event brings (e.g. `call_time` when a discussion is scheduled).
    public var parameters: [String: String]

    public init(bookingID: Int64, event: BookingEvent, actor: ActorKind, actorLabel: String,
                expectedState: BookingState? = nil, reason: String? = nil, parameters: [String: String] = [:]) {
        self.bookingID = bookingID
        self.event = event
        self.actor = actor
        self.actorLabel = actorLabel
        self.expectedState = expectedState
        self.reason = reason
        self.parameters = parameters
    }
}

/// Why a transition did not happen; answered with 409 and the current state.
public struct TransitionConflict: Error, Sendable, Equatable, CustomStringConvertible {
    public var currentState: BookingState
    public var message: String
    public var description: String { message }
}

public struct BookingNotFound: Error, Sendable {}

/// The one way a booking changes state: lock the row, let the lifecycle table decide, and write
/// state + transition + audit + outbox + timeline (+ NOTIFY) in the caller's transaction.
public struct TransitionService: Sendable {
    let effects: LifecycleEffects

    public init(configuration: Configuration) {
        effects = LifecycleEffects(notifier: BookingNotifier(configuration: configuration))
    }

    /// Runs inside an open transaction on `c`; throws `TransitionConflict` when refused.
    @discardableResult
    public func fire(_ request: TransitionRequest, on c: Connection, now: Date = Date()) throws -> BookingRecord {
        guard var booking = try BookingRepository.lock(c, id: request.bookingID) else { throw BookingNotFound() }
        if let expected = request.expectedState, expected != booking.state {
            throw TransitionConflict(currentState: booking.state,
                                     message: "This booking is now \(booking.state.label) (you saw \(expected.label)): someone else changed it. Reload to see the latest.")
        }
        let context = TransitionContext(actor: request.actor, hasCoordinator: booking.coordinatorID != nil,
                                        hasProposal: try BookingRepository.hasProposal(c, bookingID: booking.id),
                                        eventDate: booking.eventDate, today: IST.day(of: now), reason: request.reason)
        let plan: TransitionPlan
        switch BookingLifecycle.decide(from: booking.state, event: request.event, context: context) {
        case .success(let p): plan = p
        case .failure(let rejection): throw TransitionConflict(currentState: rejection.state, message: rejection.message)
        }
        try BookingRepository.setState(c, id: booking.id, to: plan.to)
        let transitionID: Int64 = try c.query("""
            INSERT INTO booking_transitions (booking_id, from_state, to_state, event, actor, note)
            VALUES ($1, $2, $3, $4, $5, $6) RETURNING id
            """, booking.id, plan.from.rawValue, plan.to.rawValue, plan.event.rawValue, request.actorLabel, request.reason).first!.decode("id")
        try TeamRepository.audit(c, actor: request.actorLabel, action: "booking.transition", entity: "booking",
                                 entityID: booking.publicID,
                                 details: ["from": plan.from.rawValue, "to": plan.to.rawValue, "event": plan.event.rawValue,
                                           "reason": request.reason ?? ""])
        booking.state = plan.to
        try effects.apply(plan.actions, to: booking, state: plan.to, occurrence: "t\(transitionID)",
                          extra: request.parameters, on: c)
        return booking
    }

    /// Records a new booking's creation (nothing -> enquiry) and carries out its actions.
    public func created(_ booking: BookingRecord, actorLabel: String, on c: Connection) throws {
        let creation = BookingLifecycle.creation
        try c.execute("""
            INSERT INTO booking_transitions (booking_id, from_state, to_state, event, actor) VALUES ($1, NULL, $2, 'create', $3)
            """, booking.id, creation.to.rawValue, actorLabel)
        try TeamRepository.audit(c, actor: actorLabel, action: "booking.created", entity: "booking", entityID: booking.publicID)
        try effects.apply(creation.actions, to: booking, state: creation.to, occurrence: "created", extra: [:], on: c)
    }
}
