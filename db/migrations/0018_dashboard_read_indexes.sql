-- Indexes for the staff dashboard's reads (DashboardQueries), measured on the five-year history
-- (`roch seed --history 5y`: 2,000 bookings, 20,000 payments, 100,000 notifications; docs/dashboard.md):
-- "failed messages not retried" read every notification to find the failed ones (20 ms);
CREATE INDEX notifications_failed ON notifications (id) WHERE status = 'failed';
-- "when a reminder was last sent" for each unpaid milestone read each booking's messages (12 ms for
-- the outstanding payments); sent payment reminders by booking and milestone are a small index.
CREATE INDEX notifications_payment_reminders ON notifications (booking_id, (parameters ->> 'milestone_sequence'), sent_at)
    WHERE moment = 'payment_due_reminder' AND status IN ('sent', 'delivered', 'read');
