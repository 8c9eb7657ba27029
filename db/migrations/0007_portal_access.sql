-- Client portal access: magic-link tokens and the sessions they open. Only SHA-256 hashes of the
-- random 256-bit values are stored, so a copy of the database cannot sign anybody in.

CREATE TABLE portal_tokens (
    id            bigserial PRIMARY KEY,
    token_hash    bytea NOT NULL UNIQUE CHECK (length(token_hash) = 32),
    client_id     bigint NOT NULL REFERENCES clients ON DELETE CASCADE,
    -- who asked for it: 'staff:12', 'client:request', 'moment:booking_confirmed'
    issued_by     text NOT NULL,
    created_at    timestamptz NOT NULL DEFAULT now(),
    expires_at    timestamptz NOT NULL,
    -- revoking a link also ends every session it opened
    revoked_at    timestamptz,
    -- a link may be opened more than once until it expires (link previews fetch it too,
    -- and clients open it on a phone and a laptop); each opening is counted
    uses          integer NOT NULL DEFAULT 0,
    last_used_at  timestamptz,
    CHECK (expires_at > created_at)
);
CREATE INDEX portal_tokens_client ON portal_tokens (client_id);

CREATE TABLE portal_sessions (
    id               bigserial PRIMARY KEY,
    token_hash       bytea NOT NULL UNIQUE CHECK (length(token_hash) = 32),
    client_id        bigint NOT NULL REFERENCES clients ON DELETE CASCADE,
    portal_token_id  bigint REFERENCES portal_tokens ON DELETE CASCADE,
    created_at       timestamptz NOT NULL DEFAULT now(),
    expires_at       timestamptz NOT NULL,
    revoked_at       timestamptz,
    last_seen_at     timestamptz NOT NULL DEFAULT now(),
    CHECK (expires_at > created_at)
);
CREATE INDEX portal_sessions_client ON portal_sessions (client_id);
