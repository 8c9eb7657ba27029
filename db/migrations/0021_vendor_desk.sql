-- The vendors desk (issue 17): what the team keeps about a vendor beyond 0006 (contact person,
-- city, PAN, notes), and per assignment what the vendor delivers, the team's notes and the
-- payment schedule to the vendor (an advance and the balance, each with its due date).
-- payment_due_on stays the date the next unpaid part falls due, so the payables and overdue
-- queries of 0006 keep working; VendorPaymentSchedule in RochCore decides it.

ALTER TABLE vendors
    ADD COLUMN contact_person text CHECK (contact_person IS NULL OR length(btrim(contact_person)) BETWEEN 1 AND 120),
    ADD COLUMN city           text CHECK (city IS NULL OR length(btrim(city)) BETWEEN 1 AND 80),
    -- five letters, four digits, one letter (the GSTIN's characters 3 to 12 when both are given)
    ADD COLUMN pan            text CHECK (pan IS NULL OR pan ~ '^[A-Z]{5}[0-9]{4}[A-Z]$'),
    ADD COLUMN notes          text CHECK (notes IS NULL OR length(notes) <= 2000);

CREATE INDEX vendors_directory ON vendors (active, category, lower(city), lower(name));

ALTER TABLE vendor_assignments
    ADD COLUMN deliverable     text CHECK (deliverable IS NULL OR length(deliverable) BETWEEN 1 AND 300),
    ADD COLUMN notes           text CHECK (notes IS NULL OR length(notes) <= 2000),
    ADD COLUMN advance_amount  bigint NOT NULL DEFAULT 0 CHECK (advance_amount >= 0),
    ADD COLUMN advance_due_on  date,
    ADD COLUMN balance_due_on  date,
    ADD CONSTRAINT vendor_assignments_advance_within_agreed CHECK (advance_amount <= amount_agreed);

-- A vendor's page lists their payments newest first; the CSV export reads them by date.
CREATE INDEX vendor_payments_paid_on ON vendor_payments (paid_on, id);

-- 0006's UPI check used {2,256}, past PostgreSQL's regex repetition limit (255): every UPI id was
-- refused with "invalid regular expression". Same rule, a legal bound (VendorProfileForm agrees).
ALTER TABLE vendors DROP CONSTRAINT vendors_payout_upi_check;
ALTER TABLE vendors ADD CONSTRAINT vendors_payout_upi_check
    CHECK (payout_upi IS NULL OR payout_upi ~ '^[A-Za-z0-9._-]{2,255}@[A-Za-z]{2,64}$');
