-- Vendors: who they are, what they do for each booking, who waits on whom (a DAG per booking),
-- and what Roch owes them. Money is bigint paise.

CREATE TABLE vendors (
    id                     bigserial PRIMARY KEY,
    name                   text NOT NULL CHECK (length(btrim(name)) BETWEEN 1 AND 120),
    category               text NOT NULL CHECK (category IN
                             ('caterer', 'photographer', 'decorator', 'florist', 'entertainment', 'venue',
                              'makeup', 'transport', 'other')),
    phone                  text CHECK (phone IS NULL OR phone ~ '^\+[1-9][0-9]{7,14}$'),
    -- the WhatsApp number when it differs from the phone
    whatsapp               text CHECK (whatsapp IS NULL OR whatsapp ~ '^\+[1-9][0-9]{7,14}$'),
    email                  text CHECK (email IS NULL OR email LIKE '%_@_%'),
    -- 15 characters: state code, PAN, entity number, 'Z', check character
    gstin                  text CHECK (gstin IS NULL OR gstin ~ '^[0-9]{2}[A-Z]{5}[0-9]{4}[A-Z][1-9A-Z]Z[0-9A-Z]$'),
    payout_method          text CHECK (payout_method IS NULL OR payout_method IN ('upi', 'bank_transfer', 'cheque', 'cash')),
    payout_upi             text CHECK (payout_upi IS NULL OR payout_upi ~ '^[A-Za-z0-9._-]{2,256}@[A-Za-z]{2,64}$'),
    payout_account_name    text,
    payout_account_number  text CHECK (payout_account_number IS NULL OR payout_account_number ~ '^[0-9]{9,18}$'),
    payout_ifsc            text CHECK (payout_ifsc IS NULL OR payout_ifsc ~ '^[A-Z]{4}0[A-Z0-9]{6}$'),
    active                 boolean NOT NULL DEFAULT true,
    created_at             timestamptz NOT NULL DEFAULT now(),
    updated_at             timestamptz NOT NULL DEFAULT now()
);

-- One vendor's job for one booking: a node of the booking's vendor graph.
CREATE TABLE vendor_assignments (
    id                 bigserial PRIMARY KEY,
    booking_id         bigint NOT NULL REFERENCES bookings ON DELETE CASCADE,
    vendor_id          bigint NOT NULL REFERENCES vendors,
    -- what the vendor does here, as people read it: "Caterer", "Decorator", "Photographer"
    role               text NOT NULL CHECK (length(role) BETWEEN 1 AND 60 AND role = btrim(role)),
    status             text NOT NULL DEFAULT 'pending' CHECK (status IN
                         ('pending', 'confirmed', 'in_progress', 'delivered', 'cancelled')),
    milestone_date     date,
    -- client-facing words for the current milestone ("Your floral arrangements have been confirmed");
    -- stored trimmed, NULL when empty, so SQL and RochCore read the same text
    milestone_text     text CHECK (milestone_text IS NULL OR (milestone_text <> '' AND milestone_text = btrim(milestone_text, E' \t\r\n'))),
    -- false for back-office work the client should not see on their timeline
    client_visible     boolean NOT NULL DEFAULT true,
    amount_agreed      bigint NOT NULL DEFAULT 0 CHECK (amount_agreed >= 0),
    -- the sum of vendor_payments, kept in the same transaction as each payment
    amount_paid        bigint NOT NULL DEFAULT 0 CHECK (amount_paid >= 0),
    -- when Roch should have paid the vendor (for overdue payables)
    payment_due_on     date,
    -- the vendor's self-service link carries this version; bumping it revokes every older link
    link_version       integer NOT NULL DEFAULT 1 CHECK (link_version >= 1),
    link_revoked_at    timestamptz,
    created_at         timestamptz NOT NULL DEFAULT now(),
    updated_at         timestamptz NOT NULL DEFAULT now(),
    -- lets vendor_dependencies prove both ends belong to the same booking
    UNIQUE (id, booking_id)
);
CREATE INDEX vendor_assignments_booking ON vendor_assignments (booking_id, id);
CREATE INDEX vendor_assignments_vendor ON vendor_assignments (vendor_id);
CREATE INDEX vendor_assignments_payment_due ON vendor_assignments (payment_due_on)
    WHERE amount_paid < amount_agreed AND status <> 'cancelled';

-- dependent waits on required. Both in the same booking (composite foreign keys), no self-loops,
-- one row per pair. Cycles are refused by VendorRepository.addDependency under a per-booking lock
-- and, as a safety net for any other writer, by the trigger below (same lock).
CREATE TABLE vendor_dependencies (
    dependent_assignment_id  bigint NOT NULL,
    required_assignment_id   bigint NOT NULL,
    booking_id               bigint NOT NULL,
    created_at               timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (dependent_assignment_id, required_assignment_id),
    CHECK (dependent_assignment_id <> required_assignment_id),
    FOREIGN KEY (dependent_assignment_id, booking_id) REFERENCES vendor_assignments (id, booking_id) ON DELETE CASCADE,
    FOREIGN KEY (required_assignment_id, booking_id) REFERENCES vendor_assignments (id, booking_id) ON DELETE CASCADE
);
CREATE INDEX vendor_dependencies_required ON vendor_dependencies (required_assignment_id, dependent_assignment_id);
CREATE INDEX vendor_dependencies_booking ON vendor_dependencies (booking_id);

-- The per-booking graph lock: two-key advisory lock space, key 1 = 'VEND'.
CREATE FUNCTION vendor_graph_lock(booking bigint) RETURNS void LANGUAGE sql VOLATILE AS $$
    SELECT pg_advisory_xact_lock(1447382596, ((booking & 4294967295) - 2147483648)::integer)
$$;

CREATE FUNCTION vendor_dependencies_refuse_cycle() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM vendor_graph_lock(NEW.booking_id);
    -- After the lock each statement here sees every committed edge (READ COMMITTED; SERIALIZABLE
    -- transactions are protected by predicate locks instead).
    IF EXISTS (
        WITH RECURSIVE up(node) AS (
            SELECT NEW.required_assignment_id
            UNION
            SELECT d.required_assignment_id FROM up JOIN vendor_dependencies d ON d.dependent_assignment_id = up.node
        )
        SELECT 1 FROM up WHERE node = NEW.dependent_assignment_id
    ) THEN
        RAISE EXCEPTION 'vendor dependency % waits on % would make a loop', NEW.dependent_assignment_id, NEW.required_assignment_id
            USING ERRCODE = 'check_violation', CONSTRAINT = 'vendor_dependencies_acyclic';
    END IF;
    RETURN NEW;
END
$$;

CREATE TRIGGER vendor_dependencies_acyclic BEFORE INSERT OR UPDATE ON vendor_dependencies
    FOR EACH ROW EXECUTE FUNCTION vendor_dependencies_refuse_cycle();

-- Money paid to a vendor for one assignment.
CREATE TABLE vendor_payments (
    id              bigserial PRIMARY KEY,
    assignment_id   bigint NOT NULL REFERENCES vendor_assignments ON DELETE RESTRICT,
    amount          bigint NOT NULL CHECK (amount > 0),
    paid_on         date NOT NULL,
    method          text NOT NULL CHECK (method IN ('upi', 'bank_transfer', 'cheque', 'cash')),
    reference       text,
    note            text,
    -- true when the payment was allowed to exceed what was outstanding
    overpayment     boolean NOT NULL DEFAULT false,
    recorded_by     text NOT NULL,
    created_at      timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX vendor_payments_assignment ON vendor_payments (assignment_id, paid_on);

-- Notes a vendor or the team left on an assignment (the self-service page adds 'vendor' notes).
CREATE TABLE vendor_assignment_notes (
    id              bigserial PRIMARY KEY,
    assignment_id   bigint NOT NULL REFERENCES vendor_assignments ON DELETE CASCADE,
    author          text NOT NULL,
    body            text NOT NULL CHECK (length(body) BETWEEN 1 AND 2000),
    created_at      timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX vendor_assignment_notes_assignment ON vendor_assignment_notes (assignment_id, id);
