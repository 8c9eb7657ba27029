-- Foundation: the team, their sessions, and the audit trail every change writes to.

CREATE TABLE staff_users (
    id            bigserial PRIMARY KEY,
    email         text NOT NULL UNIQUE CHECK (email = lower(email) AND email LIKE '%_@_%'),
    name          text NOT NULL CHECK (length(name) BETWEEN 1 AND 100),
    phone         text CHECK (phone ~ '^\+[1-9][0-9]{7,14}$'),
    role          text NOT NULL CHECK (role IN ('admin', 'coordinator', 'team')),
    -- scrypt, encoded as scrypt$N$r$p$salt_hex$hash_hex; NULL until a password is set
    password_hash text,
    active        boolean NOT NULL DEFAULT true,
    created_at    timestamptz NOT NULL DEFAULT now()
);

-- Staff sign-in sessions: only a SHA-256 of the cookie value is stored.
CREATE TABLE sessions (
    token_hash    bytea PRIMARY KEY,
    staff_user_id bigint NOT NULL REFERENCES staff_users ON DELETE CASCADE,
    created_at    timestamptz NOT NULL DEFAULT now(),
    expires_at    timestamptz NOT NULL,
    revoked_at    timestamptz
);
CREATE INDEX sessions_staff_user ON sessions (staff_user_id);

-- Who did what: one row per state-changing action, written in the same transaction as the change.
CREATE TABLE audit_log (
    id         bigserial PRIMARY KEY,
    at         timestamptz NOT NULL DEFAULT now(),
    actor      text NOT NULL,            -- 'staff:12', 'client:5', 'razorpay', 'whatsapp', 'system'
    action     text NOT NULL,            -- e.g. 'booking.transition', 'vendor.dependency_added'
    entity     text NOT NULL,            -- e.g. 'booking'
    entity_id  text,
    details    jsonb NOT NULL DEFAULT '{}'
);
CREATE INDEX audit_log_entity ON audit_log (entity, entity_id);
