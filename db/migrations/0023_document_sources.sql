-- What each issued document was issued for (docs/documents.md "Issuing from the flows"): one key per
-- event that gives birth to a document ("payment:42:tax_invoice", "receipt:17", "refund:rfnd_X",
-- "proposal:9", "vendor_payment:5"). A job that runs twice finds the document its first run issued
-- instead of issuing a second one. NULL for documents issued by hand.
ALTER TABLE documents ADD COLUMN source text UNIQUE;

-- A registered client's GSTIN: printed on their tax invoices, and its state is the place of supply
-- (IGST Act s. 12(7)). NULL for the usual unregistered client (the event's state is used).
ALTER TABLE clients ADD COLUMN gstin text CHECK (gstin IS NULL OR gstin ~ '^[0-9]{2}[A-Z]{5}[0-9]{4}[A-Z][1-9A-Z]Z[0-9A-Z]$');
