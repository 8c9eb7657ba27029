import Foundation
import RochCore
import RochStore

/// Keeps one `vendor_payment_overdue` message per unpaid assignment waiting in the outbox, due the
/// morning after the next unpaid part's date (10:00 IST): re-planned whenever the assignment's terms,
/// payments or status change, so a payment made in time (or a cancellation) withdraws it.
public struct VendorPaymentOverdueNotice: Sendable {
    let notifier: BookingNotifier

    public init(configuration: Configuration) { notifier = BookingNotifier(configuration: configuration) }

    /// In the caller's transaction. Returns whether a message is now waiting.
    @discardableResult
    public func replan(assignmentID: Int64, on c: Connection) throws -> Bool {
        try c.query("""
            WITH gone AS (
                UPDATE notifications SET status = 'cancelled', last_error = 'cancelled: the vendor payment was re-planned', updated_at = now()
                WHERE status = 'queued' AND moment = 'vendor_payment_overdue' AND parameters->>'assignment_id' = $1
                RETURNING id
            )
            INSERT INTO notification_events (notification_id, status, detail) SELECT id, 'cancelled', 're-planned' FROM gone
            """, String(assignmentID))
        guard let a = try VendorRepository.assignment(c, id: assignmentID), a.status != .cancelled, a.amountPaid < a.amountAgreed,
              let due = a.paymentDueOn, let booking = try BookingRepository.find(c, id: a.bookingID) else { return false }
        let occurrence = "a\(a.id):\(due)"
        try notifier.notify(c, moment: .vendorPaymentOverdue, booking: booking, occurrence: occurrence,
                            extra: ["vendor_name": a.vendorName, "vendor_role": a.role, "amount": (a.amountAgreed - a.amountPaid).inr,
                                    "due_date": NotificationFormat.date(due), "assignment_id": String(a.id)],
                            dueAt: IST.instant(due.adding(days: 1), TimeOfDay(hour: 10, minute: 0)!))
        // The same date planned again after a cancellation: its outbox key exists, so put it back.
        try ReminderRows.revive(c, bookingID: booking.id, moments: [.vendorPaymentOverdue], keys: [occurrence], now: Date())
        return true
    }
}
