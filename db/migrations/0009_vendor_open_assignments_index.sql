-- The open (not delivered, not cancelled) assignments of a booking, for the vendor graph queries:
-- the dashboard's blocked query reads the open assignments of each active event through this
-- index instead of scanning every assignment Roch has ever made.
CREATE INDEX vendor_assignments_open ON vendor_assignments (booking_id, id)
    WHERE status NOT IN ('delivered', 'cancelled');
