-- What a visitor typed on the public booking form, kept on the booking as submitted. The form is not
-- signed in, so it never changes an existing client's name, email or WhatsApp consent (anyone who
-- knows a phone number could otherwise redirect that client's messages and sign-in links); the team
-- sees these beside the client's stored details and adopts them from the staff side.
-- NULL on bookings made before this was recorded and on bookings the team creates.
ALTER TABLE bookings
    ADD COLUMN submitted_name             text CHECK (length(submitted_name) <= 100),
    ADD COLUMN submitted_email            text CHECK (length(submitted_email) <= 254),
    ADD COLUMN submitted_whatsapp_consent boolean;
