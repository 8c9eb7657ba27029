-- What each issued document was issued for (docs/documents.md "Issuing from the flows"): one key per
-- event that gives birth to a document ("payment:42:tax_invoice", "receipt:17", "refund:rfnd_X",
-- "proposal:9", "vendor_payment:5"). A job that runs twice finds the document its first run issued
-- instead of issuing a second one. NULL for documents issued by hand.
ALTER TABLE documents ADD COLUMN source text UNIQUE;
