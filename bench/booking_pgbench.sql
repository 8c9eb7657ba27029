-- The statements one accepted booking submission runs (see BookingSubmissions and TransitionService.created),
-- as a pgbench custom script: the database ceiling the booking function is compared with.
\set n random(1, 2000000000)
SELECT id FROM bookings WHERE idempotency_key = 'pgb-' || :n;
INSERT INTO rate_limits (key, window_start, hits) VALUES ('booking:ip:10.0.0.' || (:n % 250), date_trunc('minute', now()), 1)
  ON CONFLICT (key, window_start) DO UPDATE SET hits = rate_limits.hits + 1 RETURNING hits;
INSERT INTO rate_limits (key, window_start, hits) VALUES ('booking:phone:+9197' || lpad((:n % 100000000)::text, 8, '0'), date_trunc('hour', now()), 1)
  ON CONFLICT (key, window_start) DO UPDATE SET hits = rate_limits.hits + 1 RETURNING hits;
BEGIN;
INSERT INTO clients (phone, name, email, whatsapp_consent, whatsapp_consent_at)
  VALUES ('+9196' || lpad((:n % 100000000)::text, 8, '0'), 'Bench Guest', 'bench@example.com', true, now())
  ON CONFLICT (phone) DO UPDATE SET name = EXCLUDED.name, updated_at = now() RETURNING id AS client_id \gset
INSERT INTO bookings (public_id, client_id, event_type, event_date, city, venue, guests, budget, services, notes, idempotency_key, source_ip)
  VALUES (md5(random()::text), :client_id, 'wedding', current_date + 90, 'Jaipur', NULL, 150, '10l_25l', '{decor,catering}', '', 'pgb-' || :n || '-' || md5(random()::text), '10.0.0.1')
  ON CONFLICT (idempotency_key) DO NOTHING RETURNING id AS booking_id \gset
INSERT INTO booking_transitions (booking_id, from_state, to_state, event, actor) VALUES (:booking_id, NULL, 'enquiry', 'create', 'client:1');
INSERT INTO audit_log (actor, action, entity, entity_id, details) VALUES ('client:1', 'booking.created', 'booking', :booking_id::text, '{}');
SELECT id, phone, name, email, whatsapp_consent FROM clients WHERE id = :client_id;
SELECT id, email, name, phone, role FROM staff_users WHERE active ORDER BY id;
INSERT INTO notifications (idempotency_key, moment, booking_id, recipient_role, recipient_name, channel, address, parameters)
  VALUES ('pgb:' || :booking_id || ':c:w', 'enquiry_received', :booking_id, 'client', 'Bench Guest', 'whatsapp', '+919600000000', '{"client_name":"Bench Guest"}') RETURNING id AS n1 \gset
INSERT INTO notification_events (notification_id, status) VALUES (:n1, 'queued');
INSERT INTO notifications (idempotency_key, moment, booking_id, recipient_role, recipient_name, channel, address, parameters)
  VALUES ('pgb:' || :booking_id || ':c:e', 'enquiry_received', :booking_id, 'client', 'Bench Guest', 'email', 'bench@example.com', '{"client_name":"Bench Guest"}') RETURNING id AS n2 \gset
INSERT INTO notification_events (notification_id, status) VALUES (:n2, 'queued');
INSERT INTO notifications (idempotency_key, moment, booking_id, recipient_role, recipient_name, channel, address, parameters)
  VALUES ('pgb:' || :booking_id || ':t:w', 'enquiry_received', :booking_id, 'team', 'Roch team', 'whatsapp', '+919820099999', '{"client_name":"Bench Guest"}') RETURNING id AS n3 \gset
INSERT INTO notification_events (notification_id, status) VALUES (:n3, 'queued');
SELECT pg_notify('outbox', 'notifications');
INSERT INTO tasks (booking_id, title, assignee_role, assignee_id, due_at) VALUES (:booking_id, 'Call the client within 24 h', 'sales', NULL, now() + interval '24 hours');
INSERT INTO portal_events (booking_id, kind, title, body, data) VALUES (:booking_id, 'status', 'Enquiry received', 'Thank you', '{"state":"enquiry"}') RETURNING id AS e \gset
SELECT pg_notify('portal', :booking_id || ':' || :e);
COMMIT;
