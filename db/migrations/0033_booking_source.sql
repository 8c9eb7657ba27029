-- How a booking reached Roch: the website's form, or the team entering it by hand from a phone call,
-- a WhatsApp chat, a walk-in or a referral. NULL on bookings made before this was recorded.
ALTER TABLE bookings
    ADD COLUMN source text CHECK (source IN ('website', 'phone', 'whatsapp', 'walk_in', 'referral'));
