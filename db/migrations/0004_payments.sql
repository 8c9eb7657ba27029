-- Payments: a proposal's schedule (milestones), the Razorpay Payment Links issued for them,
-- payments and refunds as Razorpay reports them, every webhook delivery, and receipts with
-- gap-free numbers per Indian financial year.

-- The plan the milestones were made from (PaymentPlan as JSON), for the team's reference.
ALTER TABLE proposals ADD COLUMN plan jsonb NOT NULL DEFAULT '{}';

CREATE TABLE payment_milestones (
    id                     bigserial PRIMARY KEY,
    -- unguessable (128 random bits); also the Razorpay reference_id of the milestone's first link
    public_id              text NOT NULL UNIQUE CHECK (length(public_id) BETWEEN 20 AND 32),
    proposal_id            bigint NOT NULL REFERENCES proposals ON DELETE CASCADE,
    booking_id             bigint NOT NULL REFERENCES bookings ON DELETE CASCADE,
    sequence               integer NOT NULL CHECK (sequence >= 1),      -- 1 is the deposit
    label                  text NOT NULL CHECK (length(label) BETWEEN 1 AND 100),
    amount_paise           bigint NOT NULL CHECK (amount_paise > 0),
    currency               text NOT NULL DEFAULT 'INR',
    due_on                 date NOT NULL,
    -- 'on_acceptance', 'days_after_acceptance:N', 'days_before_event:N', 'on:YYYY-MM-DD'
    due_rule               text NOT NULL,
    status                 text NOT NULL DEFAULT 'pending' CHECK (status IN
                             ('pending', 'link_issued', 'partially_paid', 'paid', 'expired', 'cancelled', 'refunded')),
    -- only grows: the sum of captured payments counted for this milestone
    amount_paid_paise      bigint NOT NULL DEFAULT 0 CHECK (amount_paid_paise >= 0),
    amount_refunded_paise  bigint NOT NULL DEFAULT 0 CHECK (amount_refunded_paise >= 0),
    -- the current link (older ones stay in payment_links)
    razorpay_link_id       text,
    short_url              text,
    -- why it is not moving, for the team ('pending: Razorpay not configured')
    note                   text,
    -- something the team must look at (amount or currency mismatch, overpayment); NULL when fine
    flag                   text,
    flagged_at             timestamptz,
    paid_at                timestamptz,
    created_at             timestamptz NOT NULL DEFAULT now(),
    updated_at             timestamptz NOT NULL DEFAULT now(),
    UNIQUE (proposal_id, sequence)
);
CREATE INDEX payment_milestones_booking ON payment_milestones (booking_id, sequence);
CREATE INDEX payment_milestones_open ON payment_milestones (due_on) WHERE status IN ('pending', 'link_issued', 'partially_paid', 'expired');
CREATE INDEX payment_milestones_flagged ON payment_milestones (flagged_at) WHERE flag IS NOT NULL;

-- Every Payment Link asked for. The row is written (status 'creating') before Razorpay is
-- called, so a worker that crashes between create and store retries with the same reference_id
-- and finds the link Razorpay already made.
CREATE TABLE payment_links (
    id                bigserial PRIMARY KEY,
    milestone_id      bigint NOT NULL REFERENCES payment_milestones ON DELETE CASCADE,
    attempt           integer NOT NULL CHECK (attempt >= 1),
    reference_id      text NOT NULL UNIQUE CHECK (length(reference_id) <= 40),
    razorpay_link_id  text UNIQUE,
    short_url         text,
    amount_paise      bigint NOT NULL CHECK (amount_paise > 0),
    -- only moves forward: creating < created < partially_paid < expired = cancelled < paid
    status            text NOT NULL DEFAULT 'creating' CHECK (status IN
                        ('creating', 'created', 'partially_paid', 'expired', 'cancelled', 'paid')),
    amount_paid_paise bigint NOT NULL DEFAULT 0,
    razorpay_order_id text,
    expire_by         timestamptz,
    created_at        timestamptz NOT NULL DEFAULT now(),
    updated_at        timestamptz NOT NULL DEFAULT now(),
    UNIQUE (milestone_id, attempt)
);
CREATE INDEX payment_links_order ON payment_links (razorpay_order_id) WHERE razorpay_order_id IS NOT NULL;

-- Payments as Razorpay reports them. milestone_id is NULL until an event ties the payment to a
-- link (payment.captured may arrive before payment_link.paid). counted_at is set once, when the
-- amount is added to the milestone: that is what makes every effect happen exactly once.
CREATE TABLE payments (
    id                   bigserial PRIMARY KEY,
    razorpay_payment_id  text NOT NULL UNIQUE,
    milestone_id         bigint REFERENCES payment_milestones ON DELETE CASCADE,
    payment_link_id      bigint REFERENCES payment_links ON DELETE SET NULL,
    razorpay_order_id    text,
    amount_paise         bigint NOT NULL CHECK (amount_paise > 0),
    currency             text NOT NULL,
    -- captured is sticky: a late payment.failed for the same attempt never undoes it
    status               text NOT NULL CHECK (status IN ('authorized', 'captured', 'failed', 'refunded')),
    method               text,
    error_code           text,
    error_description    text,
    captured_at          timestamptz,
    counted_at           timestamptz,
    created_at           timestamptz NOT NULL DEFAULT now(),
    updated_at           timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX payments_milestone ON payments (milestone_id);
CREATE INDEX payments_order ON payments (razorpay_order_id) WHERE razorpay_order_id IS NOT NULL;

CREATE TABLE refunds (
    id                   bigserial PRIMARY KEY,
    razorpay_refund_id   text NOT NULL UNIQUE,
    razorpay_payment_id  text NOT NULL,
    amount_paise         bigint NOT NULL CHECK (amount_paise > 0),
    currency             text NOT NULL,
    status               text NOT NULL CHECK (status IN ('pending', 'processed', 'failed')),
    -- set once, when the refund is applied to its milestone
    applied_at           timestamptz,
    created_at           timestamptz NOT NULL DEFAULT now(),
    updated_at           timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX refunds_payment ON refunds (razorpay_payment_id);

-- Every webhook delivery, accepted or not, with the raw body exactly as received.
-- A processed delivery owns its event id: the partial unique index is the deduplication.
CREATE TABLE webhook_deliveries (
    id             bigserial PRIMARY KEY,
    provider       text NOT NULL,               -- 'razorpay'
    event_id       text,                        -- X-Razorpay-Event-Id (as sent; may be missing on rejected ones)
    event          text,                        -- 'payment_link.paid', ... (only read from verified bodies)
    signature_ok   boolean NOT NULL,
    raw_body       bytea NOT NULL,
    remote_address text,
    received_at    timestamptz NOT NULL DEFAULT now(),
    processed_at   timestamptz,
    -- 'processed: ...', 'ignored: ...', 'duplicate', 'rejected: ...', 'error: ...'
    outcome        text NOT NULL,
    duplicate_of   bigint REFERENCES webhook_deliveries
);
CREATE UNIQUE INDEX webhook_deliveries_processed_event ON webhook_deliveries (provider, event_id) WHERE processed_at IS NOT NULL;
CREATE INDEX webhook_deliveries_received ON webhook_deliveries (received_at);

-- Gap-free document numbers: one counter row per prefix and financial year, incremented in the
-- same transaction that issues the document (a sequence would leave gaps on rollback).
CREATE TABLE invoice_counters (
    prefix          text NOT NULL,
    financial_year  text NOT NULL CHECK (financial_year ~ '^[0-9]{4}-[0-9]{2}$'),
    last_sequence   integer NOT NULL CHECK (last_sequence >= 1),
    PRIMARY KEY (prefix, financial_year)
);

-- A receipt for each payment counted towards a milestone (RE/2026-27/0001).
CREATE TABLE invoices (
    id              bigserial PRIMARY KEY,
    -- unguessable: the printable receipt's URL
    public_token    text NOT NULL UNIQUE CHECK (length(public_token) >= 20),
    number          text NOT NULL UNIQUE,
    prefix          text NOT NULL,
    financial_year  text NOT NULL,
    sequence        integer NOT NULL,
    booking_id      bigint NOT NULL REFERENCES bookings ON DELETE CASCADE,
    milestone_id    bigint NOT NULL REFERENCES payment_milestones ON DELETE CASCADE,
    payment_id      bigint NOT NULL UNIQUE REFERENCES payments,
    amount_paise    bigint NOT NULL CHECK (amount_paise > 0),   -- gross, GST included
    net_paise       bigint NOT NULL,
    tax_paise       bigint NOT NULL,
    gst_rate_bp     integer NOT NULL,
    issued_on       date NOT NULL,                              -- in India
    issued_at       timestamptz NOT NULL DEFAULT now(),
    UNIQUE (prefix, financial_year, sequence)
);
CREATE INDEX invoices_booking ON invoices (booking_id, id);
