-- A proposal becomes 'sent' when the send_proposal transition fires (LifecycleEffects, in the
-- transition's transaction); sent_at says when. Until now nothing set 'sent', so the client
-- never saw a proposal in the portal.
ALTER TABLE proposals ADD COLUMN sent_at timestamptz;

-- Rows marked sent or accepted by hand before this column existed.
UPDATE proposals SET sent_at = created_at WHERE status IN ('sent', 'accepted') AND sent_at IS NULL;

-- Bookings already moved to proposal_sent whose current proposal was left a draft: it was sent.
UPDATE proposals p SET status = 'sent', sent_at = now()
FROM bookings b
WHERE b.id = p.booking_id AND b.state = 'proposal_sent' AND p.status = 'draft';
