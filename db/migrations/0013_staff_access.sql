-- Staff sign-in (issue 15): roles owner | coordinator | accounts, scrypt passwords set through
-- single-use links, TOTP with recovery codes, server-side sessions with idle and absolute expiry
-- and a CSRF secret, and a sign-in throttle shared by every process.

-- Roles: 'admin' ran the business (now 'owner'); 'team' members coordinated bookings.
ALTER TABLE staff_users DROP CONSTRAINT staff_users_role_check;
UPDATE staff_users SET role = 'owner' WHERE role = 'admin';
UPDATE staff_users SET role = 'coordinator' WHERE role = 'team';
ALTER TABLE staff_users ADD CONSTRAINT staff_users_role_check CHECK (role IN ('owner', 'coordinator', 'accounts'));

ALTER TABLE staff_users
    -- the TOTP key (20 random bytes); enabled once the person has typed a code from their app
    ADD COLUMN totp_secret          bytea,
    ADD COLUMN totp_enabled_at      timestamptz,
    -- the last TOTP time step accepted: a code works once, even inside its 30 seconds
    ADD COLUMN totp_last_step       bigint,
    ADD COLUMN password_changed_at  timestamptz,
    ADD COLUMN disabled_at          timestamptz;

-- Ten single-use codes for when the phone with the authenticator app is lost. SHA-256 only.
CREATE TABLE staff_recovery_codes (
    id             bigserial PRIMARY KEY,
    staff_user_id  bigint NOT NULL REFERENCES staff_users ON DELETE CASCADE,
    code_hash      bytea NOT NULL,
    created_at     timestamptz NOT NULL DEFAULT now(),
    used_at        timestamptz,
    UNIQUE (staff_user_id, code_hash)
);

-- Set-password and reset links: single use, 24 hours, SHA-256 of the secret only.
CREATE TABLE staff_password_tokens (
    token_hash     bytea PRIMARY KEY,
    staff_user_id  bigint NOT NULL REFERENCES staff_users ON DELETE CASCADE,
    purpose        text NOT NULL CHECK (purpose IN ('set_password', 'reset_password')),
    created_at     timestamptz NOT NULL DEFAULT now(),
    expires_at     timestamptz NOT NULL,
    used_at        timestamptz
);
CREATE INDEX staff_password_tokens_user ON staff_password_tokens (staff_user_id);

-- Sessions so far were never written: give them what sign-in needs.
DELETE FROM sessions;
ALTER TABLE sessions
    -- 'second_factor': password checked, TOTP or a recovery code still due;
    -- 'enrol_second_factor': an owner without TOTP must set it up before anything else
    ADD COLUMN stage         text NOT NULL DEFAULT 'signed_in'
                             CHECK (stage IN ('second_factor', 'enrol_second_factor', 'signed_in')),
    ADD COLUMN csrf_token    text NOT NULL,
    ADD COLUMN last_seen_at  timestamptz NOT NULL DEFAULT now(),
    ADD COLUMN ip            text,
    ADD COLUMN user_agent    text;

-- Sign-in failures per key ('account:<email>', 'ip:<address or IPv6 /64>'): 10 in 5 minutes lock
-- the key for 15 minutes. In PostgreSQL so every process and host shares them and restarts keep them.
CREATE TABLE staff_signin_failures (
    id      bigserial PRIMARY KEY,
    key     text NOT NULL,
    at      timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX staff_signin_failures_key_at ON staff_signin_failures (key, at);

CREATE TABLE staff_signin_locks (
    key           text PRIMARY KEY,
    locked_at     timestamptz NOT NULL DEFAULT now(),
    locked_until  timestamptz NOT NULL
);
