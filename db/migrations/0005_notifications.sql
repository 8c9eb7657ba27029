-- Notifications: worker leases on the outbox and jobs, WhatsApp delivery statuses as received,
-- and messages clients write to us on WhatsApp.

-- When a worker claimed the row (status 'sending' / 'running'). A row claimed longer ago than the
-- lease (the worker crashed or was killed) goes back to 'queued' and is tried again.
ALTER TABLE notifications ADD COLUMN claimed_at timestamptz;
CREATE INDEX notifications_sending ON notifications (claimed_at) WHERE status = 'sending';
CREATE INDEX notifications_stale ON notifications (stale_after) WHERE status = 'queued' AND stale_after IS NOT NULL;
CREATE INDEX notifications_recent ON notifications (id DESC);

ALTER TABLE jobs ADD COLUMN claimed_at timestamptz;
CREATE INDEX jobs_running ON jobs (claimed_at) WHERE status = 'running';

-- Every delivery status Meta reported, once per message and status (webhooks are delivered at
-- least once and out of order). A status may arrive before the worker has stored the message id;
-- it is linked to its notification (notification_id) as soon as both are known.
CREATE TABLE whatsapp_statuses (
    id               bigserial PRIMARY KEY,
    wamid            text NOT NULL,
    status           text NOT NULL CHECK (status IN ('sent', 'delivered', 'read', 'failed')),
    status_at        timestamptz NOT NULL,
    error_code       integer,
    error_detail     text,
    notification_id  bigint REFERENCES notifications ON DELETE CASCADE,
    received_at      timestamptz NOT NULL DEFAULT now(),
    UNIQUE (wamid, status)
);
CREATE INDEX whatsapp_statuses_unlinked ON whatsapp_statuses (wamid) WHERE notification_id IS NULL;

-- Messages clients send us on WhatsApp, linked to the client (by phone) and their current booking.
CREATE TABLE inbound_messages (
    id            bigserial PRIMARY KEY,
    wamid         text NOT NULL UNIQUE,
    from_phone    text NOT NULL,              -- E.164 (+ and the wa_id digits)
    profile_name  text,
    kind          text NOT NULL,              -- 'text', 'image', 'button', ...
    body          text NOT NULL DEFAULT '',
    received_at   timestamptz NOT NULL,
    client_id     bigint REFERENCES clients ON DELETE SET NULL,
    booking_id    bigint REFERENCES bookings ON DELETE SET NULL,
    created_at    timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX inbound_messages_booking ON inbound_messages (booking_id, received_at);
CREATE INDEX inbound_messages_client ON inbound_messages (client_id, received_at);
