/// One lifecycle event as the booking page offers it: a button with its form, or the reasons it is not possible yet.
public struct LifecycleChoice: Sendable, Equatable {
    public var event: BookingEvent
    /// True when `BookingLifecycle.acceptedEvents` allows it now.
    public var isAvailable: Bool
    /// Why not, one sentence per unmet guard (empty when available).
    public var unmet: [String]
}

extension BookingLifecycle {
    /// Every event the table lists from `state`, in `BookingEvent` order: those `acceptedEvents`
    /// allows for `context`, and the others with their unmet guards in words. Guards the event's
    /// own form asks for (a reason to cancel) count as met here: the form cannot be sent without them,
    /// and `decide` checks them again with what was typed.
    public static func choices(from state: BookingState, context: TransitionContext) -> [LifecycleChoice] {
        var asked = context
        if asked.reason?.isEmpty ?? true { asked.reason = "asked on the form" }
        let accepted = acceptedEvents(from: state, context: asked)
        return events(from: state).map { event in
            if accepted.contains(event) { return LifecycleChoice(event: event, isAvailable: true, unmet: []) }
            var unmet: [String] = []
            if case .failure(let rejection) = decide(from: state, event: event, context: asked) {
                if case .guardsFailed(_, _, let failed, let actor) = rejection {
                    unmet = failed.map { $0.unmetExplanation(event: event, actor: actor) }
                } else {
                    unmet = [rejection.message]
                }
            }
            return LifecycleChoice(event: event, isAvailable: false, unmet: unmet)
        }
    }
}

extension BookingLifecycle {
    /// A booking still in preparation is completed by the `system` actor from the day after its event
    /// (the team may complete it themselves on the day).
    public static func isDueForAutomaticCompletion(state: BookingState, eventDate: CalendarDay, today: CalendarDay) -> Bool {
        state == .activePreparation && today > eventDate
    }
}
