-- Issued documents (docs/documents.md): the PDF lives in the document store (DOCUMENTS_URL); this row
-- records what was issued, where it is and its SHA-256 and size, so a changed or missing object is
-- detected when it is read. A document is immutable once issued: a correction is a new document
-- (a credit note, a revised proposal), so rows are never updated or deleted.
CREATE TABLE documents (
    id                bigserial PRIMARY KEY,
    -- unguessable: what links carry
    public_id         text NOT NULL UNIQUE CHECK (length(public_id) >= 20),
    kind              text NOT NULL CHECK (kind IN ('tax_invoice', 'receipt', 'credit_note', 'proposal', 'vendor_voucher')),
    -- the gap-free number (INV/2026-27/0001) from invoice_counters, taken in the issuing transaction
    number            text NOT NULL,
    financial_year    text NOT NULL CHECK (financial_year ~ '^[0-9]{4}-[0-9]{2}$'),
    booking_id        bigint REFERENCES bookings ON DELETE RESTRICT,
    client_id         bigint REFERENCES clients ON DELETE RESTRICT,
    vendor_id         bigint REFERENCES vendors ON DELETE RESTRICT,
    -- a credit note's invoice, a receipt's invoice
    references_id     bigint REFERENCES documents ON DELETE RESTRICT,
    storage_key       text NOT NULL UNIQUE,
    sha256            text NOT NULL CHECK (sha256 ~ '^[0-9a-f]{64}$'),
    size_bytes        bigint NOT NULL CHECK (size_bytes > 0),
    content_type      text NOT NULL,
    -- the document's total (GST included; negative on a credit note), for lists and exports
    total_paise       bigint NOT NULL,
    issued_at         timestamptz NOT NULL DEFAULT now(),
    UNIQUE (kind, number),
    CHECK (kind <> 'credit_note' OR references_id IS NOT NULL),
    CHECK (kind <> 'vendor_voucher' OR vendor_id IS NOT NULL)
);
CREATE INDEX documents_booking ON documents (booking_id, id) WHERE booking_id IS NOT NULL;
CREATE INDEX documents_client ON documents (client_id, id) WHERE client_id IS NOT NULL;
CREATE INDEX documents_year ON documents (financial_year, kind, number);

CREATE FUNCTION documents_are_immutable() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'document % is immutable once issued; issue a credit note or a revised document instead', OLD.number
        USING ERRCODE = 'integrity_constraint_violation';
END $$;
CREATE TRIGGER documents_immutable BEFORE UPDATE OR DELETE ON documents
    FOR EACH ROW EXECUTE FUNCTION documents_are_immutable();
