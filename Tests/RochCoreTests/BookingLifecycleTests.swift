import Testing
@testable import RochCore

struct BookingLifecycleTests {
    static let today = CalendarDay(year: 2026, month: 11, day: 25)!

    /// The lifecycle of DESIGN.md section 6, written out independently of the table.
    static let expectedTargets: [BookingState: [BookingEvent: BookingState]] = [
        .enquiry: [.discuss: .discussion, .cancel: .cancelled],
        .discussion: [.sendProposal: .proposalSent, .cancel: .cancelled],
        .proposalSent: [.depositPaid: .depositPaid, .cancel: .cancelled],
        .depositPaid: [.startPreparation: .activePreparation, .cancel: .cancelled],
        .activePreparation: [.complete: .completed, .cancel: .cancelled],
        .completed: [:],
        .cancelled: [:],
    ]

    static func task(_ title: String, _ hours: Int, _ role: TeamRole) -> BookingAction {
        .createTask(TaskTemplate(title: title, dueInHours: hours, assignee: role))
    }

    /// The side effects of every row, written out independently of the table (portal entries
    /// are checked separately: their wording is free, their presence is not).
    static func expectedActions(_ from: BookingState, _ event: BookingEvent) -> [BookingAction] {
        switch (from, event) {
        case (.enquiry, .discuss): return [.notify(.discussionScheduled), task("Prepare proposal", 72, .coordinator)]
        case (.discussion, .sendProposal):
            return [.markProposalSent, .notify(.proposalSent), .issueDepositPaymentLink, task("Follow up on the proposal", 72, .coordinator)]
        case (.proposalSent, .depositPaid):
            return [.notify(.bookingConfirmed), task("Book vendors", 72, .coordinator), task("Issue deposit invoice", 24, .accounts),
                    .scheduleReminders]
        case (.depositPaid, .startPreparation): return [task("Confirm every vendor's milestones", 48, .coordinator)]
        case (.activePreparation, .complete):
            return [.notify(.eventCompleted), .cancelReminders, task("Settle vendor payments", 168, .accounts)]
        case (.depositPaid, .cancel), (.activePreparation, .cancel):
            return [.notify(.bookingCancelled), .cancelReminders, .cancelPaymentLinks,
                    task("Settle refund per the cancellation terms", 72, .accounts), task("Release booked vendors", 48, .coordinator)]
        case (.proposalSent, .cancel): return [.notify(.bookingCancelled), .cancelReminders, .cancelPaymentLinks]
        case (_, .cancel): return [.notify(.bookingCancelled), .cancelReminders]
        default: return []
        }
    }

    static func withoutPortalEntries(_ actions: [BookingAction]) -> [BookingAction] {
        actions.filter { if case .portalEntry = $0 { return false } else { return true } }
    }

    /// A context that meets every guard for the given event.
    static func permissive(for event: BookingEvent) -> TransitionContext {
        TransitionContext(actor: event == .depositPaid ? .paymentWebhook : .teamMember,
                          hasCoordinator: true, hasProposal: true,
                          eventDate: today, today: today, reason: "Client changed plans")
    }

    @Test func everyStateEventPairMovesAsDesignedOrIsRejected() {
        for state in BookingState.allCases {
            for event in BookingEvent.allCases {
                let result = BookingLifecycle.decide(from: state, event: event, context: Self.permissive(for: event))
                if let expected = Self.expectedTargets[state]![event] {
                    guard case .success(let plan) = result else {
                        Issue.record("\(state) --\(event)--> should reach \(expected), got \(result)")
                        continue
                    }
                    #expect(plan.from == state && plan.event == event && plan.to == expected)
                    #expect(Self.withoutPortalEntries(plan.actions) == Self.expectedActions(state, event), "\(state) --\(event)-->")
                    #expect(plan.actions.filter { if case .portalEntry = $0 { return true } else { return false } }.count == 1)
                } else {
                    guard case .failure(let rejection) = result else {
                        Issue.record("\(state) --\(event)--> should be rejected, got \(result)")
                        continue
                    }
                    #expect(rejection.state == state)
                    if state.isFinal {
                        #expect(rejection == .finalState(state: state, event: event))
                    } else {
                        #expect(rejection == .notAllowed(state: state, event: event,
                                                         allowed: BookingLifecycle.events(from: state)))
                    }
                }
            }
        }
    }

    @Test func tableHasExactlyOneRowPerAllowedPair() {
        let pairs = BookingLifecycle.table.map { "\($0.from.rawValue)/\($0.event.rawValue)" }
        #expect(Set(pairs).count == pairs.count)
        let expectedCount = Self.expectedTargets.values.map(\.count).reduce(0, +)
        #expect(BookingLifecycle.table.count == expectedCount)
    }

    @Test func completedAndCancelledAreFinalAndNothingLeavesThem() {
        #expect(BookingState.allCases.filter(\.isFinal) == [.completed, .cancelled])
        #expect(!BookingLifecycle.table.contains { $0.from.isFinal })
        for state in [BookingState.completed, .cancelled] {
            for event in BookingEvent.allCases {
                let result = BookingLifecycle.decide(from: state, event: event, context: Self.permissive(for: event))
                #expect(result == .failure(.finalState(state: state, event: event)))
            }
        }
    }

    @Test func cancelIsAllowedFromEveryNonFinalState() {
        for state in BookingState.allCases where !state.isFinal {
            let plan = try? BookingLifecycle.decide(from: state, event: .cancel, context: Self.permissive(for: .cancel)).get()
            #expect(plan?.to == .cancelled)
            #expect(plan?.moments == [.bookingCancelled])
            #expect(plan?.actions.contains(.cancelReminders) == true)
        }
    }

    @Test func sendingTheProposalMarksItSentBeforeTheClientIsTold() throws {
        let plan = try BookingLifecycle.decide(from: .discussion, event: .sendProposal, context: Self.permissive(for: .sendProposal)).get()
        let marked = try #require(plan.actions.firstIndex(of: .markProposalSent))
        let told = try #require(plan.actions.firstIndex(of: .notify(.proposalSent)))
        #expect(marked < told)
        #expect(BookingLifecycle.table.filter { $0.actions.contains(.markProposalSent) }.map(\.event) == [.sendProposal])
    }

    @Test func cancellingOnceLinksCanExistCancelsThemAndNotBefore() throws {
        for state in BookingState.allCases where !state.isFinal {
            let plan = try BookingLifecycle.decide(from: state, event: .cancel, context: Self.permissive(for: .cancel)).get()
            #expect(plan.actions.contains(.cancelPaymentLinks) == [.proposalSent, .depositPaid, .activePreparation].contains(state), "\(state)")
        }
    }

    @Test func cancellingAfterTheDepositCreatesRefundAndVendorTasks() throws {
        for state in [BookingState.depositPaid, .activePreparation] {
            let plan = try BookingLifecycle.decide(from: state, event: .cancel, context: Self.permissive(for: .cancel)).get()
            #expect(plan.tasks.map(\.assignee) == [.accounts, .coordinator])
        }
        for state in [BookingState.enquiry, .discussion, .proposalSent] {
            let plan = try BookingLifecycle.decide(from: state, event: .cancel, context: Self.permissive(for: .cancel)).get()
            #expect(plan.tasks.isEmpty)
        }
    }

    @Test func creationAcknowledgesTheEnquiryAndAsksForACallWithin24Hours() {
        let creation = BookingLifecycle.creation
        #expect(creation.to == .enquiry)
        #expect(creation.actions.first == .notify(.enquiryReceived))
        #expect(creation.actions.contains(.createTask(TaskTemplate(title: "Call the client within 24 h", dueInHours: 24, assignee: .sales))))
        #expect(creation.actions.contains { if case .portalEntry = $0 { return true } else { return false } })
    }

    @Test func happyPathActionsAreTheDesignedOnes() throws {
        func plan(_ state: BookingState, _ event: BookingEvent) throws -> TransitionPlan {
            try BookingLifecycle.decide(from: state, event: event, context: Self.permissive(for: event)).get()
        }
        let discuss = try plan(.enquiry, .discuss)
        #expect(discuss.moments == [.discussionScheduled])
        #expect(discuss.tasks.map(\.title) == ["Prepare proposal"])

        let proposal = try plan(.discussion, .sendProposal)
        #expect(proposal.moments == [.proposalSent])
        #expect(proposal.actions.contains(.issueDepositPaymentLink))

        let deposit = try plan(.proposalSent, .depositPaid)
        #expect(deposit.moments == [.bookingConfirmed])
        #expect(deposit.tasks.map(\.title).contains("Book vendors"))
        #expect(deposit.actions.contains(.scheduleReminders))

        let preparation = try plan(.depositPaid, .startPreparation)
        #expect(preparation.moments.isEmpty)

        let complete = try plan(.activePreparation, .complete)
        #expect(complete.moments == [.eventCompleted])
        #expect(complete.actions.contains(.cancelReminders))

        for row in BookingLifecycle.table {
            #expect(row.actions.contains { if case .portalEntry = $0 { return true } else { return false } },
                    "\(row.from) --\(row.event)--> has no portal entry")
        }
    }

    @Test func depositCanOnlyBeRecordedByThePaymentWebhook() {
        for actor in [ActorKind.teamMember, .system] {
            var context = Self.permissive(for: .depositPaid)
            context.actor = actor
            let result = BookingLifecycle.decide(from: .proposalSent, event: .depositPaid, context: context)
            guard case .failure(let rejection) = result else {
                Issue.record("deposit by \(actor) was accepted")
                continue
            }
            #expect(rejection == .guardsFailed(state: .proposalSent, event: .depositPaid,
                                               failed: [.onlyBy([.paymentWebhook])], actor: actor))
            #expect(rejection.message.contains("Razorpay"))
        }
    }

    @Test func paymentWebhookCannotFireTeamEvents() {
        for row in BookingLifecycle.table where row.event != .depositPaid {
            var context = Self.permissive(for: row.event)
            context.actor = .paymentWebhook
            let result = BookingLifecycle.decide(from: row.from, event: row.event, context: context)
            guard case .failure(.guardsFailed(_, _, let failed, _)) = result else {
                Issue.record("webhook fired \(row.event) from \(row.from)")
                continue
            }
            #expect(failed.count == 1)
        }
    }

    @Test func discussionNeedsACoordinatorAndProposalNeedsAProposal() {
        var context = Self.permissive(for: .discuss)
        context.hasCoordinator = false
        #expect(BookingLifecycle.decide(from: .enquiry, event: .discuss, context: context)
                == .failure(.guardsFailed(state: .enquiry, event: .discuss, failed: [.requiresCoordinator], actor: .teamMember)))

        context = Self.permissive(for: .sendProposal)
        context.hasCoordinator = false
        context.hasProposal = false
        let rejection = BookingLifecycle.decide(from: .discussion, event: .sendProposal, context: context)
        #expect(rejection == .failure(.guardsFailed(state: .discussion, event: .sendProposal,
                                                    failed: [.requiresCoordinator, .requiresProposal], actor: .teamMember)))
        if case .failure(let r) = rejection {
            #expect(r.message.contains("Assign a coordinator") && r.message.contains("Create the proposal"))
        }
    }

    @Test func eventCannotBeCompletedBeforeItsDate() {
        var context = Self.permissive(for: .complete)
        context.eventDate = Self.today.adding(days: 1)
        #expect(BookingLifecycle.decide(from: .activePreparation, event: .complete, context: context)
                == .failure(.guardsFailed(state: .activePreparation, event: .complete, failed: [.eventDateReached], actor: .teamMember)))
        context.eventDate = nil
        #expect((try? BookingLifecycle.decide(from: .activePreparation, event: .complete, context: context).get()) == nil)
        context.eventDate = Self.today.adding(days: -3)
        context.actor = .system
        #expect((try? BookingLifecycle.decide(from: .activePreparation, event: .complete, context: context).get())?.to == .completed)
    }

    @Test func cancellingNeedsAReason() {
        var context = Self.permissive(for: .cancel)
        context.reason = "   "
        #expect(BookingLifecycle.decide(from: .discussion, event: .cancel, context: context)
                == .failure(.guardsFailed(state: .discussion, event: .cancel, failed: [.requiresReason], actor: .teamMember)))
    }

    @Test func rejectionMessagesNameTheStateAndTheWayForward() {
        let rejection = BookingLifecycle.decide(from: .enquiry, event: .sendProposal, context: Self.permissive(for: .sendProposal))
        guard case .failure(let r) = rejection else { Issue.record("accepted"); return }
        #expect(r.message == "A booking in Enquiry cannot take 'Send proposal'. From Enquiry you can: 'Schedule discussion', 'Cancel booking'.")
        let final = BookingLifecycle.decide(from: .completed, event: .cancel, context: Self.permissive(for: .cancel))
        if case .failure(let f) = final { #expect(f.message.contains("Completed, which is final")) }
    }

    @Test func statesHaveSnakeCaseRawValuesLabelsAndProgressOrdinals() {
        #expect(BookingState.allCases.map(\.rawValue) == ["enquiry", "discussion", "proposal_sent", "deposit_paid",
                                                          "active_preparation", "completed", "cancelled"])
        #expect(BookingEvent.allCases.map(\.rawValue) == ["discuss", "send_proposal", "deposit_paid",
                                                          "start_preparation", "complete", "cancel"])
        #expect(BookingState.proposalSent.label == "Proposal Sent")
        #expect(BookingState.allCases.compactMap(\.ordinal) == Array(0..<BookingState.pathLength))
        #expect(BookingState.cancelled.ordinal == nil)
        // Every happy-path row advances the ordinal by exactly one.
        for row in BookingLifecycle.table where row.to != .cancelled {
            #expect(row.to.ordinal! == row.from.ordinal! + 1)
        }
    }

    @Test func acceptedEventsAreThoseDecideAccepts() {
        let team = TransitionContext(actor: .teamMember, hasCoordinator: true, hasProposal: false, today: Self.today, reason: "x")
        #expect(BookingLifecycle.acceptedEvents(from: .discussion, context: team) == [.cancel])
        #expect(BookingLifecycle.acceptedEvents(from: .proposalSent, context: team) == [.cancel])
        let webhook = TransitionContext(actor: .paymentWebhook, today: Self.today)
        #expect(BookingLifecycle.acceptedEvents(from: .proposalSent, context: webhook) == [.depositPaid])
        #expect(BookingLifecycle.acceptedEvents(from: .completed, context: team) == [])
    }

    @Test func tableRoundTripsThroughJSON() throws {
        let data = try JSONEncoder().encode(BookingLifecycle.table)
        #expect(try JSONDecoder().decode([BookingTransition].self, from: data) == BookingLifecycle.table)
    }
}

import Foundation
