import Foundation

/// A condition a lifecycle row requires before it may fire. Guards are data so the admin can
/// show why a button is disabled and the tests can enumerate them.
public enum TransitionGuard: Sendable, Hashable, Codable {
    /// Only these actors may fire the event. `deposit_paid` is `.onlyBy([.paymentWebhook])`:
    /// a deposit is recorded when Razorpay's signed webhook confirms it, never by hand.
    case onlyBy([ActorKind])
    /// A coordinator must be assigned to the booking.
    case requiresCoordinator
    /// A proposal with a total and a payment plan must exist.
    case requiresProposal
    /// Today (in India) must be on or after the event date: an event cannot be completed early.
    case eventDateReached
    /// A non-empty reason must be given (kept in the audit row).
    case requiresReason

    /// Only this one actor may fire the event, e.g. `.onlyBy(.paymentWebhook)`.
    public static func onlyBy(_ actor: ActorKind) -> TransitionGuard { .onlyBy([actor]) }

    /// Whether `context` meets this guard.
    public func isSatisfied(by context: TransitionContext) -> Bool {
        switch self {
        case .onlyBy(let actors): return actors.contains(context.actor)
        case .requiresCoordinator: return context.hasCoordinator
        case .requiresProposal: return context.hasProposal
        case .eventDateReached:
            guard let eventDate = context.eventDate else { return false }
            return context.today >= eventDate
        case .requiresReason:
            return !(context.reason ?? "").trimmingCharacters(in: .whitespacesAndNewlines).isEmpty
        }
    }

    /// What a person must do to meet the guard, in words.
    public func unmetExplanation(event: BookingEvent, actor: ActorKind) -> String {
        switch self {
        case .onlyBy(let actors):
            if actors == [.paymentWebhook] {
                return "Deposits are recorded automatically when Razorpay confirms the payment; they cannot be marked paid by hand (this was attempted by \(actor.label))."
            }
            return "'\(event.label)' can only be done by \(actors.map(\.label).joined(separator: " or ")), not by \(actor.label)."
        case .requiresCoordinator: return "Assign a coordinator to the booking first."
        case .requiresProposal: return "Create the proposal (total and payment plan) first."
        case .eventDateReached: return "The event date has not been reached yet (or the booking has no event date)."
        case .requiresReason: return "Give a reason for cancelling."
        }
    }
}

/// A side effect of a transition, as data; the store and the worker carry it out.
public enum BookingAction: Sendable, Hashable, Codable {
    /// Queue the moment's messages (WhatsApp and email) in the outbox.
    case notify(NotificationMoment)
    /// Create a task for the team.
    case createTask(TaskTemplate)
    /// Add an entry to the client's portal timeline (and NOTIFY listeners).
    case portalEntry(PortalEntryTemplate)
    /// Create the Razorpay Payment Link for the milestones due on acceptance (the deposit);
    /// the worker sends `payment_link_issued` once the link exists.
    case issueDepositPaymentLink
    /// Plan the booking's reminders (event 48 h / 2 h, payment due) from `ReminderPlan`.
    case scheduleReminders
    /// Drop every pending reminder for the booking.
    case cancelReminders
    /// Mark the booking's current draft proposal `sent` (with `sent_at`), so the client sees it in
    /// the portal; its total and link become the moment's `total_amount` and `proposal_link`.
    /// Listed before `.notify` so the message can carry them.
    case markProposalSent
    /// Cancel the booking's Payment Links that can still be paid; the worker calls Razorpay
    /// (`cancel_payment_links` job), and a payment that slips through is flagged.
    case cancelPaymentLinks
}

/// A task the team is given by a transition.
public struct TaskTemplate: Sendable, Hashable, Codable {
    public let title: String
    /// Hours from the transition until the task is due.
    public let dueInHours: Int
    public let assignee: TeamRole

    public init(title: String, dueInHours: Int, assignee: TeamRole) {
        self.title = title
        self.dueInHours = dueInHours
        self.assignee = assignee
    }
}

/// A client-visible timeline entry in the portal.
public struct PortalEntryTemplate: Sendable, Hashable, Codable {
    public let title: String
    public let body: String

    public init(title: String, body: String) {
        self.title = title
        self.body = body
    }
}

/// The facts the guards look at, gathered by the caller from the booking and the request.
public struct TransitionContext: Sendable, Equatable, Codable {
    public var actor: ActorKind
    public var hasCoordinator: Bool
    public var hasProposal: Bool
    public var eventDate: CalendarDay?
    /// Today in India (IST).
    public var today: CalendarDay
    /// Why the event is fired; required to cancel.
    public var reason: String?

    public init(actor: ActorKind, hasCoordinator: Bool = false, hasProposal: Bool = false,
                eventDate: CalendarDay? = nil, today: CalendarDay, reason: String? = nil) {
        self.actor = actor
        self.hasCoordinator = hasCoordinator
        self.hasProposal = hasProposal
        self.eventDate = eventDate
        self.today = today
        self.reason = reason
    }
}

/// Why a transition was refused, with the current state, in words a person can act on.
public enum TransitionRejection: Error, Sendable, Equatable, CustomStringConvertible {
    /// The booking is completed or cancelled; nothing more can happen to it.
    case finalState(state: BookingState, event: BookingEvent)
    /// The table has no row for this event from this state.
    case notAllowed(state: BookingState, event: BookingEvent, allowed: [BookingEvent])
    /// The row exists but some of its guards are not met (all of them listed).
    case guardsFailed(state: BookingState, event: BookingEvent, failed: [TransitionGuard], actor: ActorKind)

    /// The state the booking is (still) in.
    public var state: BookingState {
        switch self {
        case .finalState(let state, _), .notAllowed(let state, _, _), .guardsFailed(let state, _, _, _): return state
        }
    }

    public var message: String {
        switch self {
        case .finalState(let state, let event):
            return "This booking is \(state.label), which is final: '\(event.label)' is no longer possible."
        case .notAllowed(let state, let event, let allowed):
            let options = allowed.map { "'\($0.label)'" }.joined(separator: ", ")
            return "A booking in \(state.label) cannot take '\(event.label)'. From \(state.label) you can: \(options)."
        case .guardsFailed(let state, let event, let failed, let actor):
            let reasons = failed.map { $0.unmetExplanation(event: event, actor: actor) }.joined(separator: " ")
            return "Cannot '\(event.label)' while the booking is \(state.label): \(reasons)"
        }
    }

    public var description: String { message }
}
