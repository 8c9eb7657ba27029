-- The spine shared by bookings, notifications, payments, vendors and the portal:
-- clients, bookings and their lifecycle audit, team tasks, the client timeline, the outbox.

CREATE TABLE clients (
    id                  bigserial PRIMARY KEY,
    -- deduplicated by phone in E.164 (+91XXXXXXXXXX for India)
    phone               text NOT NULL UNIQUE CHECK (phone ~ '^\+[1-9][0-9]{7,14}$'),
    name                text NOT NULL CHECK (length(name) BETWEEN 1 AND 100),
    email               text CHECK (email IS NULL OR email LIKE '%_@_%'),
    whatsapp_consent    boolean NOT NULL DEFAULT false,
    whatsapp_consent_at timestamptz,
    -- the client's last inbound WhatsApp message opens the 24 h customer-service window
    last_inbound_at     timestamptz,
    created_at          timestamptz NOT NULL DEFAULT now(),
    updated_at          timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE bookings (
    id                bigserial PRIMARY KEY,
    -- unguessable public id (URL-safe random, 128 bits): the only id clients ever see
    public_id         text NOT NULL UNIQUE CHECK (length(public_id) >= 20),
    client_id         bigint NOT NULL REFERENCES clients,
    state             text NOT NULL DEFAULT 'enquiry' CHECK (state IN
                        ('enquiry', 'discussion', 'proposal_sent', 'deposit_paid',
                         'active_preparation', 'completed', 'cancelled')),
    event_type        text NOT NULL,
    event_date        date NOT NULL,
    -- local time in Asia/Kolkata; NULL until agreed with the client
    event_start_time  time,
    city              text NOT NULL,
    venue             text,
    guests            integer NOT NULL CHECK (guests BETWEEN 1 AND 5000),
    budget            text NOT NULL,
    services          text[] NOT NULL DEFAULT '{}',
    notes             text,
    coordinator_id    bigint REFERENCES staff_users,
    -- a repeated submission with the same key returns the same booking
    idempotency_key   text UNIQUE,
    source_ip         text,
    created_at        timestamptz NOT NULL DEFAULT now(),
    updated_at        timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX bookings_client ON bookings (client_id);
CREATE INDEX bookings_state_date ON bookings (state, event_date);

-- The lifecycle audit: one row per accepted transition.
CREATE TABLE booking_transitions (
    id          bigserial PRIMARY KEY,
    booking_id  bigint NOT NULL REFERENCES bookings ON DELETE CASCADE,
    from_state  text,                       -- NULL for the creation of the booking
    to_state    text NOT NULL,
    event       text NOT NULL,
    actor       text NOT NULL,
    note        text,
    at          timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX booking_transitions_booking ON booking_transitions (booking_id, id);

-- Work for the team that the lifecycle creates ("Call the client within 24 h").
CREATE TABLE tasks (
    id             bigserial PRIMARY KEY,
    booking_id     bigint NOT NULL REFERENCES bookings ON DELETE CASCADE,
    title          text NOT NULL,
    assignee_role  text NOT NULL,
    assignee_id    bigint REFERENCES staff_users,
    due_at         timestamptz,
    done_at        timestamptz,
    created_at     timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX tasks_open ON tasks (due_at) WHERE done_at IS NULL;

-- The client's timeline. Its id is the SSE event id; inserting a row is followed by
-- NOTIFY portal, '<booking id>:<event id>' in the same transaction.
CREATE TABLE portal_events (
    id          bigserial PRIMARY KEY,
    booking_id  bigint NOT NULL REFERENCES bookings ON DELETE CASCADE,
    kind        text NOT NULL,               -- 'status', 'payment', 'vendor', 'note', ...
    title       text NOT NULL,
    body        text NOT NULL DEFAULT '',
    data        jsonb NOT NULL DEFAULT '{}',
    created_at  timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX portal_events_booking ON portal_events (booking_id, id);

-- The outbox and the notification log: one row per message to one recipient on one channel,
-- written in the same transaction as the change that caused it.
CREATE TABLE notifications (
    id                  bigserial PRIMARY KEY,
    -- moment:booking:recipient:channel:occurrence — a second enqueue of the same message is a no-op
    idempotency_key     text NOT NULL UNIQUE,
    moment              text NOT NULL,
    booking_id          bigint REFERENCES bookings ON DELETE CASCADE,
    recipient_role      text NOT NULL CHECK (recipient_role IN ('client', 'coordinator', 'team', 'vendor')),
    recipient_name      text,
    channel             text NOT NULL CHECK (channel IN ('whatsapp', 'email')),
    address             text,                -- E.164 phone or email address
    parameters          jsonb NOT NULL DEFAULT '{}',
    status              text NOT NULL DEFAULT 'queued' CHECK (status IN
                          ('queued', 'sending', 'sent', 'delivered', 'read', 'failed', 'skipped', 'cancelled')),
    due_at              timestamptz NOT NULL DEFAULT now(),
    -- reminders are not sent late: past this time the row is skipped
    stale_after         timestamptz,
    attempts            integer NOT NULL DEFAULT 0,
    next_attempt_at     timestamptz NOT NULL DEFAULT now(),
    provider_message_id text UNIQUE,
    last_error          text,
    created_at          timestamptz NOT NULL DEFAULT now(),
    updated_at          timestamptz NOT NULL DEFAULT now(),
    sent_at             timestamptz
);
CREATE INDEX notifications_due ON notifications (next_attempt_at) WHERE status = 'queued';
CREATE INDEX notifications_booking ON notifications (booking_id, id);

-- Every status a message went through (queued -> sent -> delivered -> read, or failed).
CREATE TABLE notification_events (
    id               bigserial PRIMARY KEY,
    notification_id  bigint NOT NULL REFERENCES notifications ON DELETE CASCADE,
    status           text NOT NULL,
    detail           text,
    at               timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX notification_events_notification ON notification_events (notification_id, id);

-- Other outbox work for the worker (e.g. 'create_payment_link'): same transaction as its cause,
-- claimed with FOR UPDATE SKIP LOCKED, retried with backoff.
CREATE TABLE jobs (
    id               bigserial PRIMARY KEY,
    kind             text NOT NULL,
    idempotency_key  text NOT NULL UNIQUE,
    payload          jsonb NOT NULL DEFAULT '{}',
    status           text NOT NULL DEFAULT 'queued' CHECK (status IN ('queued', 'running', 'done', 'failed')),
    attempts         integer NOT NULL DEFAULT 0,
    next_attempt_at  timestamptz NOT NULL DEFAULT now(),
    last_error       text,
    created_at       timestamptz NOT NULL DEFAULT now(),
    finished_at      timestamptz
);
CREATE INDEX jobs_due ON jobs (next_attempt_at) WHERE status = 'queued';
