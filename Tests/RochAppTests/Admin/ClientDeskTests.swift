import Foundation
import RochApp
import RochCore
import RochHTTP
import RochStore
import RochTestSupport
import Testing

/// Issue 16: a client's details (with GSTIN) edited and audited, the details a later enquiry typed
/// adopted with one click, and bookings entered by hand for new and existing clients.
@Suite(.serialized)
struct ClientDeskTests {
    static let gstin = "27AAPFU0939F1ZV"

    func client(_ w: AdminWorld) throws -> ClientDetails {
        try w.sync { c in
            let b = try BookingRepository.find(c, publicID: w.bookingPublicID)!
            return try ClientDetailsRepository.details(c, clientID: b.clientID)!
        }
    }

    func saveClient(_ w: AdminWorld, _ browser: AdminWorld.Browser, _ changes: [String: String]) async -> Response {
        var fields = ["name": "Asha Rao", "phone": "+919876500001", "email": "asha@example.com", "whatsapp_consent": "no", "gstin": ""]
        fields.merge(changes) { $1 }
        return await w.post("/admin/bookings/\(w.bookingPublicID)/client", [("csrf", await w.csrf(browser))] + fields.map { ($0.key, $0.value) }, browser)
    }

    func count(_ w: AdminWorld, _ sql: String, _ values: SQLEncodable?...) throws -> Int {
        try w.sync { c in try c.query(sql, values).first!.decode("n", as: Int.self) }
    }

    @Test func theCoordinatorEditsTheClientWithGSTINAndTheAuditKeepsBeforeAndAfter() async throws {
        let w = try await AdminWorld()
        let arjun = try await w.signedIn("arjun@rochevents.in")
        let form = await w.get("/admin/bookings/\(w.bookingPublicID)/client", arjun)
        #expect(form.status == 200)
        #expect(form.text.contains("value=\"asha@example.com\""))
        #expect(!form.text.contains(AdminWorld.script))  // the stored name is escaped
        let r = await saveClient(w, arjun, ["phone": "98200 12345", "whatsapp_consent": "yes", "gstin": "27aapfu0939f1zv"])
        #expect(r.status == 303, "\(r.text)")
        #expect(r.headers["location"] == "/admin/bookings/\(w.bookingPublicID)?done=client")
        #expect(try client(w) == ClientDetails(name: "Asha Rao", phone: "+919820012345", email: "asha@example.com", whatsAppConsent: true, gstin: Self.gstin))
        #expect(try count(w, "SELECT count(*)::int AS n FROM clients WHERE whatsapp_consent_at IS NOT NULL") == 1)
        let audit = try w.sync { c in try AuditLogQueries.search(c, AuditFilter(actor: "staff:\(w.coordinatorID)")).rows }
        let row = try #require(audit.first { $0.action == "client.updated" })
        #expect(row.details["phone.before"] == "+919876500001" && row.details["phone.after"] == "+919820012345")
        #expect(row.details["gstin.before"] == "not given" && row.details["gstin.after"] == Self.gstin)
        #expect(row.details["whatsapp_consent.after"] == "yes" && row.details["booking"] == w.bookingPublicID)
        #expect(row.details["name.before"] == "Asha \(AdminWorld.script)")
        #expect(row.details["email.before"] == nil)  // unchanged details are not listed
        let page = await w.get(r.headers["location"]!, arjun)
        #expect(page.text.contains("The client&#39;s details are saved.") || page.text.contains("The client's details are saved."))
    }

    @Test func badInputIsRefusedOnItsFieldAndNothingIsWritten() async throws {
        let w = try await AdminWorld()
        let before = try client(w)
        let owner = try await w.signedIn("riya@rochevents.in")
        let r = await saveClient(w, owner, ["gstin": "27AAPFU0939F1ZA", "email": "nope", "name": "Asha Rao"])
        #expect(r.status == 422)
        #expect(r.text.contains("id=\"client-gstin-error\""))
        #expect(r.text.contains("last character does not match"))
        #expect(r.text.contains("id=\"client-email-error\""))
        #expect(r.text.contains("value=\"27AAPFU0939F1ZA\""))  // what was typed comes back
        #expect(try client(w) == before)
        #expect(try count(w, "SELECT count(*)::int AS n FROM audit_log WHERE action = 'client.updated'") == 0)
    }

    @Test func aPhoneOfAnotherClientIsRefusedOnThePhoneField() async throws {
        let w = try await AdminWorld()
        _ = try w.sync { c in try c.execute("INSERT INTO clients (phone, name) VALUES ('+919820012345', 'Vikram Joshi')") }
        let before = try client(w)
        let owner = try await w.signedIn("riya@rochevents.in")
        let r = await saveClient(w, owner, ["phone": "98200 12345", "gstin": Self.gstin])
        #expect(r.status == 422)
        #expect(r.text.contains("id=\"client-phone-error\""))
        #expect(r.text.contains("This number belongs to another client, Vikram Joshi."))
        #expect(try client(w) == before)  // not even the GSTIN was saved
    }

    @Test func whoMayEditAClient() async throws {
        let w = try await AdminWorld()
        let kavya = try await w.signedIn("kavya@rochevents.in")  // not this booking's coordinator
        #expect(await w.get("/admin/bookings/\(w.bookingPublicID)/client", kavya).status == 403)
        #expect(await saveClient(w, kavya, ["name": "Someone Else"]).status == 403)
        let sahil = try await w.signedIn("sahil@rochevents.in")  // accounts
        #expect(await w.get("/admin/bookings/\(w.bookingPublicID)/client", sahil).status == 403)
        #expect(await w.post("/admin/bookings/\(w.bookingPublicID)/client/adopt", [("csrf", await w.csrf(sahil))], sahil).status == 403)
        #expect(await w.get("/admin/bookings/new", sahil).status == 403)
        #expect(try client(w).name == "Asha \(AdminWorld.script)")
        // The booking page offers the edit only to those allowed it.
        #expect(!(await w.get("/admin/bookings/\(w.bookingPublicID)", kavya)).text.contains("/client\""))
        let arjun = try await w.signedIn("arjun@rochevents.in")
        #expect(await w.get("/admin/bookings/\(w.bookingPublicID)", arjun).text.contains("/admin/bookings/\(w.bookingPublicID)/client\""))
        // Methods: adopt is a POST, unknown addresses are 404.
        #expect(await w.get("/admin/bookings/\(w.bookingPublicID)/client/adopt", arjun).status == 405)
        #expect(await w.get("/admin/bookings/\(w.bookingPublicID)/client/other", arjun).status == 404)
        // A form without the session's token does nothing.
        #expect(await w.post("/admin/bookings/\(w.bookingPublicID)/client", [("csrf", "forged"), ("name", "X Y"), ("phone", "98200 12345"), ("whatsapp_consent", "no")], arjun).status == 403)
    }

    @Test func theDetailsALaterEnquiryTypedAreShownAndAdoptedWithOneClick() async throws {
        let w = try await AdminWorld()
        _ = try w.sync { c in
            try c.execute("""
                UPDATE bookings SET submitted_name = 'Asha Rao', submitted_email = 'asha.rao@example.org', submitted_whatsapp_consent = true
                WHERE public_id = $1
                """, w.bookingPublicID)
            try c.execute("UPDATE clients SET gstin = $1", Self.gstin)
        }
        let arjun = try await w.signedIn("arjun@rochevents.in")
        let page = await w.get("/admin/bookings/\(w.bookingPublicID)", arjun)
        #expect(page.text.contains("This enquiry typed other details"))
        #expect(page.text.contains("Typed on this enquiry: asha.rao@example.org"))
        #expect(page.text.contains("/client/adopt"))
        let r = await w.post("/admin/bookings/\(w.bookingPublicID)/client/adopt", [("csrf", await w.csrf(arjun))], arjun)
        #expect(r.status == 303)
        #expect(r.headers["location"] == "/admin/bookings/\(w.bookingPublicID)?done=client-adopted")
        #expect(try client(w) == ClientDetails(name: "Asha Rao", phone: "+919876500001", email: "asha.rao@example.org", whatsAppConsent: true, gstin: Self.gstin))
        let audit = try w.sync { c in try AuditLogQueries.search(c, AuditFilter(actor: "staff:\(w.coordinatorID)")).rows }
        let row = try #require(audit.first { $0.action == "client.adopted_enquiry_details" })
        #expect(row.details["email.before"] == "asha@example.com" && row.details["email.after"] == "asha.rao@example.org")
        #expect(row.details["whatsapp_consent.before"] == "no" && row.details["whatsapp_consent.after"] == "yes")
        // Now nothing differs: the section and its button are gone, and a second click changes nothing.
        let after = await w.get(r.headers["location"]!, arjun)
        #expect(!after.text.contains("This enquiry typed other details"))
        let again = await w.post("/admin/bookings/\(w.bookingPublicID)/client/adopt", [("csrf", await w.csrf(arjun))], arjun)
        #expect(again.headers["location"] == "/admin/bookings/\(w.bookingPublicID)?done=client-unchanged")
        #expect(try count(w, "SELECT count(*)::int AS n FROM audit_log WHERE action = 'client.adopted_enquiry_details'") == 1)
    }

    // MARK: bookings by hand

    static let newBooking: [String: String] = [
        "name": "Meera Kulkarni", "phone": "99000 11122", "email": "meera@example.com", "event_type": "wedding",
        "event_date": "2027-06-20", "city": "Pune", "venue": "", "guests": "300", "budget": "25l_50l", "notes": "Called on Sunday.",
        "whatsapp_consent": "yes", "source": "phone",
    ]

    func enter(_ w: AdminWorld, _ browser: AdminWorld.Browser, _ changes: [String: String], services: [String] = ["decor", "catering"]) async -> Response {
        let fields = Self.newBooking.merging(changes) { $1 }
        return await w.post("/admin/bookings/new", [("csrf", await w.csrf(browser))] + fields.map { ($0.key, $0.value) } + services.map { ("services", $0) }, browser)
    }

    @Test func aBookingByHandForANewClientEntersTheLifecycleLikeAWebEnquiry() async throws {
        let w = try await AdminWorld()
        let arjun = try await w.signedIn("arjun@rochevents.in")
        let list = await w.get("/admin/bookings", arjun)
        #expect(list.text.contains("href=\"/admin/bookings/new\""))
        #expect(await w.get("/admin/bookings/new", arjun).status == 200)
        let r = await enter(w, arjun, [:])
        #expect(r.status == 303, "\(r.text)")
        let location = try #require(r.headers["location"])
        #expect(location.hasSuffix("?done=entered"))
        let publicID = String(location.dropFirst("/admin/bookings/".count).prefix { $0 != "?" })
        let (booking, client) = try w.sync { c in
            let b = try BookingRepository.find(c, publicID: publicID)!
            return (b, try ClientDetailsRepository.details(c, clientID: b.clientID)!)
        }
        #expect(booking.state == .enquiry && booking.city == "Pune" && booking.guests == 300 && booking.services == ["decor", "catering"])
        #expect(client == ClientDetails(name: "Meera Kulkarni", phone: "+919900011122", email: "meera@example.com", whatsAppConsent: true))
        #expect(try w.sync { c in try BookingRepository.source(c, bookingID: booking.id) } == .phone)
        // The creation's effects, as for a web enquiry: the transition, the team's task, the portal entry, the moment.
        #expect(try count(w, "SELECT count(*)::int AS n FROM booking_transitions WHERE booking_id = $1 AND event = 'create' AND actor = $2",
                          booking.id, "staff:\(w.coordinatorID)") == 1)
        #expect(try count(w, "SELECT count(*)::int AS n FROM tasks WHERE booking_id = $1 AND title = 'Call the client within 24 h'", booking.id) == 1)
        #expect(try count(w, "SELECT count(*)::int AS n FROM portal_events WHERE booking_id = $1 AND title = 'Enquiry received'", booking.id) == 1)
        #expect(try count(w, "SELECT count(*)::int AS n FROM notifications WHERE booking_id = $1 AND moment = 'enquiry_received' AND recipient_role = 'client' AND channel = 'whatsapp'", booking.id) == 1)
        // Who recorded the consent, when and from where.
        let audit = try w.sync { c in try AuditLogQueries.search(c, AuditFilter(actor: "staff:\(w.coordinatorID)")).rows }
        let consent = try #require(audit.first { $0.action == "client.whatsapp_consent" })
        #expect(consent.details["consent"] == "yes" && consent.details["source"] == "phone" && consent.details["booking"] == publicID)
        #expect(consent.userAgent == "AdminTests/1")
        let page = await w.get(location, arjun)
        #expect(page.text.contains("The booking is entered as an enquiry, with a new client."))
        #expect(page.text.contains("Phone call"))
    }

    @Test func aKnownPhoneAttachesTheBookingToThatClientAndKeepsTheirDetails() async throws {
        let w = try await AdminWorld()
        let before = try client(w)
        let owner = try await w.signedIn("riya@rochevents.in")
        let r = await enter(w, owner, ["phone": "+91 98765 00001", "name": "Asha R", "email": "asha.new@example.com", "whatsapp_consent": "yes", "source": "whatsapp"])
        #expect(r.status == 303, "\(r.text)")
        let location = try #require(r.headers["location"])
        #expect(location.hasSuffix("?done=entered-existing"))
        #expect(try count(w, "SELECT count(*)::int AS n FROM clients") == 1)
        #expect(try client(w) == before)
        #expect(try count(w, "SELECT count(*)::int AS n FROM bookings b JOIN clients c ON c.id = b.client_id WHERE c.phone = '+919876500001'") == 2)
        let page = await w.get(location, owner)
        #expect(page.text.contains("belongs to an existing client"))
        #expect(page.text.contains("Typed on this enquiry: asha.new@example.com"))  // ready to adopt
    }

    @Test func aBadHandEnteredBookingIsRefusedOnItsFieldsAndWritesNothing() async throws {
        let w = try await AdminWorld()
        let arjun = try await w.signedIn("arjun@rochevents.in")
        let r = await enter(w, arjun, ["phone": "12345", "event_date": "2020-01-01", "source": "website"], services: [])
        #expect(r.status == 422)
        for field in ["phone", "event-date", "services", "source"] { #expect(r.text.contains("id=\"new-\(field)-error\""), "\(field)") }
        #expect(r.text.contains("value=\"Meera Kulkarni\""))  // what was typed comes back
        #expect(try count(w, "SELECT count(*)::int AS n FROM bookings") == 1)
        #expect(try count(w, "SELECT count(*)::int AS n FROM clients") == 1)
        #expect(try count(w, "SELECT count(*)::int AS n FROM notifications") == 0)
        #expect(await w.get("/admin/bookings/new/other", arjun).status == 404)
    }
}
