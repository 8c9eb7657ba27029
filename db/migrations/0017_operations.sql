-- Running production without DevOps: operator switches, worker heartbeats, and the request id
-- (nginx's $request_id) that queued each outbox row, so a log line leads to the message it caused.

-- Switches an operator flips with the `roch` CLI. `outbox_paused` = 'true' stops every worker from
-- sending messages and running jobs (payment links): `roch restore` sets it so that a restored
-- database never re-sends what the old one already sent; `roch outbox resume` clears it.
CREATE TABLE operator_settings (
    key text PRIMARY KEY,
    value text NOT NULL,
    changed_by text NOT NULL DEFAULT '',
    updated_at timestamptz NOT NULL DEFAULT now()
);

-- One row per running worker process, touched at every housekeeping pass: `roch doctor` and
-- /metrics read how long ago a worker was last alive.
CREATE TABLE worker_heartbeats (
    worker text PRIMARY KEY,            -- host:pid
    host text NOT NULL,
    pid integer NOT NULL,
    started_at timestamptz NOT NULL DEFAULT now(),
    beat_at timestamptz NOT NULL DEFAULT now()
);

-- The request that queued the row: the functions put nginx's $request_id in the session setting
-- roch.request_id (RochStore's RequestTrace), so no INSERT has to name the column.
ALTER TABLE notifications ADD COLUMN request_id text DEFAULT nullif(current_setting('roch.request_id', true), '');
ALTER TABLE jobs ADD COLUMN request_id text DEFAULT nullif(current_setting('roch.request_id', true), '');
