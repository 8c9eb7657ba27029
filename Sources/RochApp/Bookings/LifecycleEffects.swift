import Foundation
import RochCore
import RochStore

/// Carries out a lifecycle plan's actions inside the caller's transaction: outbox rows, tasks,
/// the client's timeline entry (with NOTIFY), worker jobs, reminders.
struct LifecycleEffects {
    let notifier: BookingNotifier

    func apply(_ actions: [BookingAction], to booking: BookingRecord, state: BookingState, occurrence: String,
               extra given: [String: String], on c: Connection) throws {
        // Actions may add parameters for the ones after them (the sent proposal's total and link).
        var extra = given
        let moments = actions.compactMap { if case .notify(let m) = $0 { m } else { nil } }
        for action in actions {
            switch action {
            case .notify(let moment):
                try notifier.notify(c, moment: moment, booking: booking, occurrence: occurrence, extra: extra)
            case .createTask(let task):
                try TaskAnnouncement(notifier: notifier).create(task, booking: booking, announce: TaskRules.announces(alongside: moments), on: c)
            case .portalEntry(let entry):
                try TimelineRepository.append(c, bookingID: booking.id, kind: "status", title: entry.title, body: entry.body,
                                              data: try JSONB(encoding: ["state": state.rawValue, "label": state.label]))
            case .issueDepositPaymentLink:
                try OutboxRepository.enqueueJob(c, kind: "create_payment_link",
                                                idempotencyKey: "create_payment_link:\(booking.id):on_acceptance",
                                                payload: try JSONB(encoding: ["booking_id": String(booking.id), "milestones": "on_acceptance"]))
            case .scheduleReminders:
                // Reminders are computed by the worker from the booking's date and time at that moment,
                // so a later reschedule simply queues this job again.
                try OutboxRepository.enqueueJob(c, kind: "schedule_reminders",
                                                idempotencyKey: "schedule_reminders:\(booking.id):\(occurrence)",
                                                payload: try JSONB(encoding: ["booking_id": String(booking.id)]))
            case .markProposalSent:
                guard let proposal = try PaymentMilestoneRepository.markProposalSent(c, bookingID: booking.id) else {
                    throw TransitionConflict(currentState: booking.state, message: "There is no proposal to send: create it (total and payment plan) first.")
                }
                try ProposalDocumentJob.enqueue(c, proposalID: proposal.id)
                // The caller's own wording wins (e.g. a link the staff side builds).
                extra.merge(["total_amount": proposal.total.inr, "proposal_link": "\(notifier.configuration.siteURL)/portal/"]) { given, _ in given }
            case .cancelPaymentLinks:
                try OutboxRepository.enqueueJob(c, kind: CancelPaymentLinksJob.kind,
                                                idempotencyKey: "\(CancelPaymentLinksJob.kind):\(booking.id):\(occurrence)",
                                                payload: try JSONB(encoding: ["booking_id": String(booking.id)]))
            case .cancelReminders:
                try OutboxRepository.cancelQueued(c, bookingID: booking.id, moments: Reminders.moments,
                                                  reason: "booking \(state.rawValue)")
            }
        }
    }
}
