-- A staff member's calendar feed (issue 18): a secret address their phone's calendar subscribes
-- to. Only the secret's SHA-256 is stored (like portal links); replacing or revoking a feed sets
-- revoked_at, after which its address answers 404. At most one live feed per staff member.
CREATE TABLE staff_calendar_feeds (
    id             bigserial PRIMARY KEY,
    staff_user_id  bigint NOT NULL REFERENCES staff_users ON DELETE CASCADE,
    secret_hash    bytea NOT NULL UNIQUE CHECK (length(secret_hash) = 32),
    created_at     timestamptz NOT NULL DEFAULT now(),
    revoked_at     timestamptz,
    -- how often the feed was fetched, and when last (shown on the page: is the phone subscribed?)
    fetches        integer NOT NULL DEFAULT 0,
    last_fetched_at timestamptz,
    CHECK (revoked_at IS NULL OR revoked_at >= created_at)
);
CREATE UNIQUE INDEX staff_calendar_feeds_live ON staff_calendar_feeds (staff_user_id) WHERE revoked_at IS NULL;
