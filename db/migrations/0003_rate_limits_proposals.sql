-- Fixed-window counters for rate limits shared by every process and host (booking form,
-- portal sign-in links). Old windows are pruned by the worker.
CREATE TABLE rate_limits (
    key           text NOT NULL,          -- e.g. 'booking:ip:203.0.113.7', 'booking:phone:+919876543210'
    window_start  timestamptz NOT NULL,
    hits          integer NOT NULL DEFAULT 0,
    PRIMARY KEY (key, window_start)
);

-- A booking's proposal: what the client is asked to pay. The payment schedule (milestones)
-- hangs off it; the lifecycle guard `requiresProposal` looks for a row here.
CREATE TABLE proposals (
    id              bigserial PRIMARY KEY,
    booking_id      bigint NOT NULL REFERENCES bookings ON DELETE CASCADE,
    public_id       text NOT NULL UNIQUE,
    total_paise     bigint NOT NULL CHECK (total_paise > 0),      -- including GST
    gst_rate_bp     integer NOT NULL DEFAULT 1800 CHECK (gst_rate_bp BETWEEN 0 AND 10000),
    summary         text NOT NULL DEFAULT '',
    status          text NOT NULL DEFAULT 'draft' CHECK (status IN ('draft', 'sent', 'accepted', 'superseded')),
    created_by      bigint REFERENCES staff_users,
    created_at      timestamptz NOT NULL DEFAULT now(),
    accepted_at     timestamptz
);
CREATE INDEX proposals_booking ON proposals (booking_id);
