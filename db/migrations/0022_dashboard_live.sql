-- The staff dashboard updates without a reload (issue 18): a change to what a panel shows
-- NOTIFYs channel 'dashboard' with the table's name. Row triggers (a statement trigger would fire
-- on every empty UPDATE of the worker's polls too); PostgreSQL folds identical NOTIFYs of one
-- transaction into one, so a bulk load still sends one per table. The admin's event hub LISTENs
-- and tells each open dashboard to re-fetch its panels.
CREATE FUNCTION dashboard_changed() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM pg_notify('dashboard', TG_TABLE_NAME);
    RETURN NULL;
END;
$$;

-- enquiries and state changes
CREATE TRIGGER dashboard_bookings AFTER INSERT OR UPDATE OR DELETE ON bookings
    FOR EACH ROW EXECUTE FUNCTION dashboard_changed();
-- payments, links expiring, webhook flags
CREATE TRIGGER dashboard_payment_milestones AFTER INSERT OR UPDATE OR DELETE ON payment_milestones
    FOR EACH ROW EXECUTE FUNCTION dashboard_changed();
-- vendor assignments
CREATE TRIGGER dashboard_vendor_assignments AFTER INSERT OR UPDATE OR DELETE ON vendor_assignments
    FOR EACH ROW EXECUTE FUNCTION dashboard_changed();
-- messages: new ones, and status changes only (not the worker's lease bookkeeping)
CREATE TRIGGER dashboard_notifications_new AFTER INSERT ON notifications
    FOR EACH ROW EXECUTE FUNCTION dashboard_changed();
CREATE TRIGGER dashboard_notifications_status AFTER UPDATE ON notifications
    FOR EACH ROW WHEN (OLD.status IS DISTINCT FROM NEW.status AND NEW.status <> 'sending') EXECUTE FUNCTION dashboard_changed();
-- overdue tasks
CREATE TRIGGER dashboard_tasks AFTER INSERT OR UPDATE ON tasks
    FOR EACH ROW EXECUTE FUNCTION dashboard_changed();
