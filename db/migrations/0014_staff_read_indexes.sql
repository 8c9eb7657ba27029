-- Indexes for the staff pages' reads (StaffBookingQueries, BookingDossierQueries), measured on
-- 150,000 bookings (PostgreSQL 15):
-- a booking's tasks for its detail page were a scan of every task (15-40 ms, 0.8 ms with the index);
CREATE INDEX tasks_booking ON tasks (booking_id, id);
-- the coordinator filter of the bookings list and the people it offers scanned every booking once
-- per staff member who coordinates none (280 ms for the list of names, 0.4 ms with the index).
CREATE INDEX bookings_coordinator ON bookings (coordinator_id) WHERE coordinator_id IS NOT NULL;
