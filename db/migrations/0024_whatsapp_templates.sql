-- WhatsApp message templates as Meta's Business Management API knows them (`roch whatsapp templates
-- sync` submits the notification catalogue and records each answer; `message_template_status_update`
-- webhooks keep the status current). While this table is empty (development, tests) the worker sends
-- as before; once any status is recorded, a WhatsApp message whose template is not APPROVED is held
-- (status 'held', naming the template) and queued again when Meta approves it.
CREATE TABLE whatsapp_templates (
    name             text NOT NULL CHECK (name ~ '^[a-z0-9_]+$' AND length(name) <= 512),
    language         text NOT NULL CHECK (language <> ''),
    category         text NOT NULL,
    -- APPROVED, PENDING, REJECTED, PAUSED, DISABLED, ... as Meta reports it
    status           text NOT NULL CHECK (status ~ '^[A-Z_]{2,40}$'),
    meta_template_id text,
    reason           text,
    submitted_at     timestamptz,
    updated_at       timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (name, language)
);

ALTER TABLE notifications ADD COLUMN held_template text, ADD COLUMN held_language text;
ALTER TABLE notifications DROP CONSTRAINT notifications_status_check;
ALTER TABLE notifications ADD CONSTRAINT notifications_status_check CHECK (status IN
    ('queued', 'sending', 'held', 'sent', 'delivered', 'read', 'failed', 'skipped', 'cancelled', 'dead'));
ALTER TABLE notifications ADD CONSTRAINT notifications_held_names_template
    CHECK (status <> 'held' OR (held_template IS NOT NULL AND held_language IS NOT NULL));
CREATE INDEX notifications_held ON notifications (held_template, held_language) WHERE status = 'held';
