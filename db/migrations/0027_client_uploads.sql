-- Client uploads (issue 19, docs/documents.md "Client uploads"): inspiration photos and documents a
-- client sends from the portal. The file is in the document store under client-uploads/ (never beside
-- issued documents); its type is the one sniffed from the bytes (ClientUploadRules), never the browser's.
CREATE TABLE client_uploads (
    id             bigserial PRIMARY KEY,
    -- unguessable: what download links carry
    public_id      text NOT NULL UNIQUE CHECK (length(public_id) >= 20),
    booking_id     bigint NOT NULL REFERENCES bookings ON DELETE RESTRICT,
    client_id      bigint NOT NULL REFERENCES clients ON DELETE RESTRICT,
    -- sanitised (ClientUploadRules.safeName): shown and offered as the download's name
    original_name  text NOT NULL CHECK (length(original_name) BETWEEN 1 AND 120),
    content_type   text NOT NULL CHECK (content_type IN ('image/jpeg', 'image/png', 'image/webp', 'image/heic', 'application/pdf')),
    size_bytes     bigint NOT NULL CHECK (size_bytes > 0 AND size_bytes <= 10485760),
    sha256         text NOT NULL CHECK (sha256 ~ '^[0-9a-f]{64}$'),
    storage_key    text NOT NULL UNIQUE CHECK (storage_key LIKE 'client-uploads/%'),
    uploaded_at    timestamptz NOT NULL DEFAULT now(),
    -- set when staff remove it from the booking; the object stays in the store
    removed_at     timestamptz,
    -- UPLOAD_SCAN_COMMAND's verdict: 'not_scanned' when no command is configured, 'clean' when it
    -- passed (an infected file is refused before it is stored, so it has no row)
    scan_status    text NOT NULL DEFAULT 'not_scanned' CHECK (scan_status IN ('not_scanned', 'clean'))
);
CREATE INDEX client_uploads_booking ON client_uploads (booking_id, id) WHERE removed_at IS NULL;
CREATE INDEX client_uploads_client ON client_uploads (client_id, id) WHERE removed_at IS NULL;
