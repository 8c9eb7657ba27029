-- The payments desk: money the team records by hand (bank transfer, UPI to the business
-- account, cash, cheque) and refunds the team starts from the booking.

-- An offline payment is a row of `payments` like any captured Razorpay payment, so settling,
-- receipts and the ledger treat both alike. Its razorpay_payment_id is our own id
-- ('offline_' + the form's one-time key): the unique index makes a double submit a no-op.
ALTER TABLE payments
    ADD COLUMN source text NOT NULL DEFAULT 'razorpay' CHECK (source IN ('razorpay', 'offline')),
    ADD COLUMN offline_reference text CHECK (length(offline_reference) <= 100),
    ADD COLUMN received_on date,
    ADD COLUMN recorded_by bigint REFERENCES staff_users ON DELETE SET NULL,
    ADD CONSTRAINT payments_offline_method CHECK (source = 'razorpay' OR
        (method IN ('bank_transfer', 'upi', 'cash', 'cheque') AND received_on IS NOT NULL AND status = 'captured'));

-- Who asked for a refund and why (NULL for refunds started in Razorpay's dashboard).
ALTER TABLE refunds
    ADD COLUMN requested_by bigint REFERENCES staff_users ON DELETE SET NULL,
    ADD COLUMN reason text CHECK (length(reason) <= 500);
