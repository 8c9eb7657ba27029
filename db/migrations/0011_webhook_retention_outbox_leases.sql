-- Webhook deliveries that failed verification keep only a SHA-256 digest, their length and the
-- first 512 bytes of their body (enough to see what was sent, too little to fill the disk), and at
-- most WEBHOOK_REJECTED_LIMIT of them are stored per source address (/64 for IPv6) and window;
-- beyond that they are only counted. The worker prunes old deliveries (docs/payments.md).

ALTER TABLE webhook_deliveries
    ADD COLUMN body_sha256 bytea CHECK (length(body_sha256) = 32),
    -- the length of the body as received (raw_body may hold only its first bytes)
    ADD COLUMN body_length integer CHECK (body_length >= 0);
UPDATE webhook_deliveries SET body_sha256 = sha256(raw_body), body_length = length(raw_body);
UPDATE webhook_deliveries SET raw_body = substring(raw_body FROM 1 FOR 512) WHERE NOT signature_ok AND length(raw_body) > 512;
ALTER TABLE webhook_deliveries ALTER COLUMN body_sha256 SET NOT NULL, ALTER COLUMN body_length SET NOT NULL;
COMMENT ON COLUMN webhook_deliveries.raw_body IS
    'the whole body of a verified delivery; the first 512 bytes of a rejected one (body_sha256 and body_length describe the whole)';

-- Pruning an event's first delivery must not be blocked by its later duplicates.
ALTER TABLE webhook_deliveries DROP CONSTRAINT webhook_deliveries_duplicate_of_fkey;
ALTER TABLE webhook_deliveries ADD CONSTRAINT webhook_deliveries_duplicate_of_fkey
    FOREIGN KEY (duplicate_of) REFERENCES webhook_deliveries ON DELETE SET NULL;
CREATE INDEX webhook_deliveries_rejected ON webhook_deliveries (received_at) WHERE NOT signature_ok;

-- Rejected deliveries per provider, source (an IPv4 address or an IPv6 /64) and window: the first
-- WEBHOOK_REJECTED_LIMIT are stored in webhook_deliveries, the rest only counted here.
CREATE TABLE webhook_rejections (
    provider      text NOT NULL,
    source        text NOT NULL,
    window_start  timestamptz NOT NULL,
    received      integer NOT NULL CHECK (received > 0),
    PRIMARY KEY (provider, source, window_start)
);
CREATE INDEX webhook_rejections_window ON webhook_rejections (window_start);

-- A message whose worker keeps dying or hanging while sending it (its lease expires) is not
-- requeued forever: after WORKER_MAX_LEASES expiries it is dead-lettered ('dead', with the reason).
ALTER TABLE notifications ADD COLUMN lease_expiries integer NOT NULL DEFAULT 0;
ALTER TABLE notifications DROP CONSTRAINT notifications_status_check;
ALTER TABLE notifications ADD CONSTRAINT notifications_status_check CHECK (status IN
    ('queued', 'sending', 'sent', 'delivered', 'read', 'failed', 'skipped', 'cancelled', 'dead'));
