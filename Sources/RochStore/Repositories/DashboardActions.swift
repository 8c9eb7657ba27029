import Foundation
import RochCore

/// The two things the dashboard itself does: put a failed message back in the queue, and find the
/// milestone a "send reminder now" is about. Both run inside the caller's transaction.
public enum DashboardActions {
    /// Migration 0022's triggers NOTIFY this channel with a table's name when a panel's data changes.
    public static let channel = "dashboard"

    /// What retrying a message found.
    public enum RetryOutcome: Sendable, Equatable {
        /// Back in the queue, due now, attempts counted from zero again.
        case requeued(bookingID: Int64?)
        case notFound
        /// Only a `failed` message is retried; `status` is what it is now.
        case notFailed(status: String)
    }

    /// Puts a failed message back in the queue (attempts from zero, due now) and records who asked
    /// in its status history; the worker is woken through the outbox channel.
    public static func retryMessage(_ c: Connection, id: Int64, by actor: String) throws -> RetryOutcome {
        guard let row = try c.query("SELECT status, booking_id FROM notifications WHERE id = $1 FOR UPDATE", id).first else { return .notFound }
        let status: String = try row.decode("status")
        guard status == "failed" else { return .notFailed(status: status) }
        try c.execute("""
            UPDATE notifications SET status = 'queued', attempts = 0, next_attempt_at = now(), claimed_at = NULL, updated_at = now()
            WHERE id = $1
            """, id)
        try c.execute("INSERT INTO notification_events (notification_id, status, detail) VALUES ($1, 'queued', $2)",
                      id, "retry asked for by \(actor)")
        try c.notify(OutboxRepository.channel, payload: "notifications")
        return .requeued(bookingID: try row.decode("booking_id"))
    }

    /// A milestone a reminder may be sent for: unpaid, of the booking's current proposal, booking not cancelled.
    public struct ReminderTarget: Sendable, Equatable {
        public var milestone: PaymentMilestoneRecord
        public var booking: BookingRecord
        /// The link has expired (or was never made): the reminder re-issues it first.
        public var needsNewLink: Bool
    }

    public enum ReminderRefusal: Error, Sendable, Equatable, CustomStringConvertible {
        case notFound
        case nothingOwed(PaymentMilestoneStatus)
        case superseded
        case bookingCancelled

        public var description: String {
            switch self {
            case .notFound: "There is no payment milestone with that id."
            case .nothingOwed(let s): "Nothing is owed on this milestone (it is \(s.label.lowercased())), so no reminder was sent."
            case .superseded: "This milestone belongs to a proposal that was replaced, so no reminder was sent."
            case .bookingCancelled: "The booking is cancelled, so no reminder was sent."
            }
        }
    }

    /// Locks the milestone (then its booking) and checks a reminder makes sense.
    public static func reminderTarget(_ c: Connection, milestonePublicID: String) throws -> Result<ReminderTarget, ReminderRefusal> {
        guard let found = try PaymentMilestoneRepository.find(c, publicID: milestonePublicID),
              let m = try PaymentMilestoneRepository.lock(c, id: found.id),
              let booking = try BookingRepository.lock(c, id: m.bookingID) else { return .failure(.notFound) }
        guard [.pending, .linkIssued, .partiallyPaid, .expired].contains(m.status), m.outstanding > .zero else {
            return .failure(.nothingOwed(m.status))
        }
        let proposal: String? = try c.query("SELECT status FROM proposals WHERE id = $1", m.proposalID).first?.decode("status")
        guard proposal != "superseded" else { return .failure(.superseded) }
        guard booking.state != .cancelled else { return .failure(.bookingCancelled) }
        return .success(ReminderTarget(milestone: m, booking: booking, needsNewLink: m.status == .expired || m.shortURL == nil))
    }
}
