/// The whole booking lifecycle as one declarative table: every state, event, guard and side effect.
///
/// Read this file to know what can happen to a booking. `decide` is the only code that says
/// whether a transition is valid; callers persist the returned plan in one transaction
/// (state change, audit row, outbox rows, portal event, NOTIFY) or not at all.
public enum BookingLifecycle {
    /// What happens when an enquiry arrives from the site (nothing -> enquiry).
    public static let creation = BookingCreation(
        to: .enquiry,
        actions: [
            .notify(.enquiryReceived),
            .createTask(TaskTemplate(title: "Call the client within 24 h", dueInHours: 24, assignee: .sales)),
            .portalEntry(PortalEntryTemplate(
                title: "Enquiry received",
                body: "Thank you for choosing Roch Events. Our team will call you within 24 hours to understand your plans.")),
        ])

    /// Every allowed transition. Anything not listed here is rejected.
    public static let table: [BookingTransition] = [
        BookingTransition(
            from: .enquiry, event: .discuss, to: .discussion,
            guards: [.onlyBy(.teamMember), .requiresCoordinator],
            actions: [
                .notify(.discussionScheduled),
                .createTask(TaskTemplate(title: "Prepare proposal", dueInHours: 72, assignee: .coordinator)),
                .portalEntry(PortalEntryTemplate(
                    title: "Discussion scheduled",
                    body: "Your coordinator will walk you through your ideas, dates and budget.")),
            ]),
        BookingTransition(
            from: .discussion, event: .sendProposal, to: .proposalSent,
            guards: [.onlyBy(.teamMember), .requiresCoordinator, .requiresProposal],
            actions: [
                .markProposalSent,
                .notify(.proposalSent),
                .issueDepositPaymentLink,
                .createTask(TaskTemplate(title: "Follow up on the proposal", dueInHours: 72, assignee: .coordinator)),
                .portalEntry(PortalEntryTemplate(
                    title: "Proposal sent",
                    body: "Your proposal and payment schedule are ready to review in your portal.")),
            ]),
        BookingTransition(
            from: .proposalSent, event: .depositPaid, to: .depositPaid,
            guards: [.onlyBy(.paymentWebhook)],
            actions: [
                .notify(.bookingConfirmed),
                .createTask(TaskTemplate(title: "Book vendors", dueInHours: 72, assignee: .coordinator)),
                .createTask(TaskTemplate(title: "Issue deposit invoice", dueInHours: 24, assignee: .accounts)),
                .scheduleReminders,
                .portalEntry(PortalEntryTemplate(
                    title: "Booking confirmed",
                    body: "We have received your deposit. Your date is reserved and we are booking your vendors.")),
            ]),
        BookingTransition(
            from: .depositPaid, event: .startPreparation, to: .activePreparation,
            guards: [.onlyBy(.teamMember), .requiresCoordinator],
            actions: [
                .createTask(TaskTemplate(title: "Confirm every vendor's milestones", dueInHours: 48, assignee: .coordinator)),
                .portalEntry(PortalEntryTemplate(
                    title: "Preparations under way",
                    body: "Your vendors are booked and preparations have begun. Follow each milestone here.")),
            ]),
        BookingTransition(
            from: .activePreparation, event: .complete, to: .completed,
            guards: [.onlyBy([.teamMember, .system]), .eventDateReached],
            actions: [
                .notify(.eventCompleted),
                .cancelReminders,
                .createTask(TaskTemplate(title: "Settle vendor payments", dueInHours: 168, assignee: .accounts)),
                .portalEntry(PortalEntryTemplate(
                    title: "Event completed",
                    body: "Thank you for celebrating with Roch Events. We would love to hear how it went.")),
            ]),
    ] + cancellations

    /// Cancel is allowed from every non-final state. Once payment links exist (proposal sent
    /// onwards) they are cancelled at Razorpay. Once money has been taken (deposit paid onwards)
    /// the accounts team gets a refund task and the coordinator releases the vendors.
    private static let cancellations: [BookingTransition] = BookingState.allCases.filter { !$0.isFinal }.map { from in
        var actions: [BookingAction] = [
            .notify(.bookingCancelled),
            .cancelReminders,
            .portalEntry(PortalEntryTemplate(
                title: "Booking cancelled",
                body: "This booking has been cancelled. Your coordinator will contact you about any next steps.")),
        ]
        if from == .proposalSent || from == .depositPaid || from == .activePreparation {
            actions.append(.cancelPaymentLinks)
        }
        if from == .depositPaid || from == .activePreparation {
            actions.append(.createTask(TaskTemplate(title: "Settle refund per the cancellation terms", dueInHours: 72, assignee: .accounts)))
            actions.append(.createTask(TaskTemplate(title: "Release booked vendors", dueInHours: 48, assignee: .coordinator)))
        }
        return BookingTransition(from: from, event: .cancel, to: .cancelled,
                                 guards: [.onlyBy([.teamMember, .system]), .requiresReason], actions: actions)
    }

    /// The row for `(from, event)`, if the table has one.
    public static func transition(from: BookingState, event: BookingEvent) -> BookingTransition? {
        table.first { $0.from == from && $0.event == event }
    }

    /// Events the table lists from `state` (guards not evaluated), in `BookingEvent` order.
    public static func events(from state: BookingState) -> [BookingEvent] {
        BookingEvent.allCases.filter { transition(from: state, event: $0) != nil }
    }

    /// Events that `decide` would accept right now (for enabling the admin's buttons).
    public static func acceptedEvents(from state: BookingState, context: TransitionContext) -> [BookingEvent] {
        events(from: state).filter { (try? decide(from: state, event: $0, context: context).get()) != nil }
    }

    /// The single place that decides whether `event` may move a booking out of `from`.
    /// Guards are all evaluated so that the rejection lists every unmet condition at once.
    public static func decide(from: BookingState, event: BookingEvent,
                              context: TransitionContext) -> Result<TransitionPlan, TransitionRejection> {
        if from.isFinal {
            return .failure(.finalState(state: from, event: event))
        }
        guard let row = transition(from: from, event: event) else {
            return .failure(.notAllowed(state: from, event: event, allowed: events(from: from)))
        }
        let failed = row.guards.filter { !$0.isSatisfied(by: context) }
        if !failed.isEmpty {
            return .failure(.guardsFailed(state: from, event: event, failed: failed, actor: context.actor))
        }
        return .success(TransitionPlan(from: from, event: event, to: row.to, actions: row.actions))
    }
}

/// One row of the lifecycle table.
public struct BookingTransition: Sendable, Equatable, Codable {
    public let from: BookingState
    public let event: BookingEvent
    public let to: BookingState
    public let guards: [TransitionGuard]
    public let actions: [BookingAction]

    public init(from: BookingState, event: BookingEvent, to: BookingState,
                guards: [TransitionGuard], actions: [BookingAction]) {
        self.from = from
        self.event = event
        self.to = to
        self.guards = guards
        self.actions = actions
    }
}

/// The "transition" that creates a booking: its first state and the actions it triggers.
public struct BookingCreation: Sendable, Equatable, Codable {
    public let to: BookingState
    public let actions: [BookingAction]
}

/// What the caller must do, in one transaction, to carry out an accepted transition.
public struct TransitionPlan: Sendable, Equatable, Codable {
    public let from: BookingState
    public let event: BookingEvent
    public let to: BookingState
    public let actions: [BookingAction]

    /// The notification moments among the actions, in table order.
    public var moments: [NotificationMoment] {
        actions.compactMap { if case .notify(let moment) = $0 { return moment } else { return nil } }
    }

    /// The tasks among the actions, in table order.
    public var tasks: [TaskTemplate] {
        actions.compactMap { if case .createTask(let task) = $0 { return task } else { return nil } }
    }
}
