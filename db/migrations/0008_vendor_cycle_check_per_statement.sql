-- Vendor dependency loops are now checked once per statement instead of once per row.
-- The row trigger of 0006 cached its plan from the first call (often on an empty table), so a
-- bulk insert of thousands of edges became quadratic (minutes for 74,000 edges); the statement
-- trigger below loads the same 74,000 edges in seconds and refuses the same loops.

DROP TRIGGER vendor_dependencies_acyclic ON vendor_dependencies;

-- One check per statement (not per row): a bulk insert of thousands of edges runs one recursive
-- query, and its plan is made for the table as it is, not cached from when it was empty.
CREATE OR REPLACE FUNCTION vendor_dependencies_refuse_cycle() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    loop_edge record;
BEGIN
    -- Lock every booking touched, in id order (no deadlock between two bulk writers). After the
    -- locks, each statement here sees every committed edge (READ COMMITTED; SERIALIZABLE
    -- transactions are protected by their predicate locks instead).
    PERFORM vendor_graph_lock(booking_id) FROM (SELECT DISTINCT booking_id FROM new_edges ORDER BY 1) touched;
    WITH RECURSIVE up(dependent, required, node) AS (
        SELECT dependent_assignment_id, required_assignment_id, required_assignment_id FROM new_edges
        UNION
        SELECT up.dependent, up.required, d.required_assignment_id
        FROM up JOIN vendor_dependencies d ON d.dependent_assignment_id = up.node
    )
    SELECT dependent, required INTO loop_edge FROM up WHERE node = dependent LIMIT 1;
    IF FOUND THEN
        RAISE EXCEPTION 'vendor dependency % waits on % would make a loop', loop_edge.dependent, loop_edge.required
            USING ERRCODE = 'check_violation', CONSTRAINT = 'vendor_dependencies_acyclic';
    END IF;
    RETURN NULL;
END
$$;

-- Transition tables allow one event per trigger: the same check after INSERT and after UPDATE.
CREATE TRIGGER vendor_dependencies_acyclic AFTER INSERT ON vendor_dependencies
    REFERENCING NEW TABLE AS new_edges FOR EACH STATEMENT EXECUTE FUNCTION vendor_dependencies_refuse_cycle();
CREATE TRIGGER vendor_dependencies_acyclic_update AFTER UPDATE ON vendor_dependencies
    REFERENCING NEW TABLE AS new_edges FOR EACH STATEMENT EXECUTE FUNCTION vendor_dependencies_refuse_cycle();
