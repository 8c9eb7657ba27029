import Foundation
import RochCore
import RochStore

/// The proposal editor's save and send, each one transaction with its audit row. Sending fires
/// `send_proposal` through `TransitionService` in the same transaction, so the saved draft, its
/// `sent` mark, the moment's messages (with total and link), the deposit link job and the
/// timeline entry are written together or not at all.
public struct StaffProposals: Sendable {
    let transitions: TransitionService

    public init(configuration: Configuration) { transitions = TransitionService(configuration: configuration) }

    /// Refused because of the booking's state (answered 409 with it).
    public struct Locked: Error, Sendable { public var state: BookingState; public var message: String }

    /// Saves `draft` (already checked with `ProposalDraft.problems`) and, with `send`, sends it.
    /// `seen` is the state the editor showed.
    @discardableResult
    public func save(_ c: Connection, bookingID: Int64, draft: ProposalDraft, send: Bool, seen: BookingState,
                     by actor: StaffActor, now: Date = Date()) throws -> String {
        try c.transaction { c in
            guard let booking = try BookingRepository.lock(c, id: bookingID) else { throw BookingNotFound() }
            guard booking.state == seen else {
                throw Locked(state: booking.state, message: "Nothing was saved: this booking is now \(booking.state.label), not \(seen.label) as your page showed.")
            }
            guard booking.state == .enquiry || booking.state == .discussion else {
                throw Locked(state: booking.state, message: "This booking's proposal was sent (it is \(booking.state.label)); use \"Send the revised proposal\" to change it.")
            }
            let publicID = try ProposalDrafts.saveDraft(c, bookingID: booking.id, draft: draft, today: IST.day(of: now), eventDate: booking.eventDate,
                                                        createdBy: actor.staffID, makeID: PublicID.make)
            try AuditLogQueries.record(c, actor: actor.label, action: "staff.proposal_saved", entity: "booking", entityID: booking.publicID,
                                       details: ["proposal": publicID, "total_paise": String(draft.totals.total.paise),
                                                 "milestones": draft.milestones.map { "\($0.label) \($0.amount.inr) due \($0.dueOn)" }.joined(separator: "; ")],
                                       ip: actor.client.ip, userAgent: actor.client.userAgent)
            if send {
                try transitions.fire(TransitionRequest(bookingID: booking.id, event: .sendProposal, actor: .teamMember, actorLabel: actor.label,
                                                       expectedState: seen), on: c, now: now)
            }
            return publicID
        }
    }
}
