import Foundation
import RochApp
import RochCore
import RochHTTP
import RochStore
import RochTestSupport
import Testing

/// `POST /api/booking` driven in-process against a real, freshly migrated PostgreSQL.
@Suite struct BookingSubmissionTests {
    let context: AppContext
    let submissions: BookingSubmissions
    let futureDate = IST.day(of: Date()).adding(days: 120).description

    init() async throws {
        context = try await TestApp.context()
        submissions = BookingSubmissions(context: context, limits: .init(perIP: .init(hits: 1000, windowSeconds: 600),
                                                                         perPhone: .init(hits: 1000, windowSeconds: 600)))
    }

    func valid(key: String = UUID().uuidString, phone: String = "98765 43210", notes: String = "Mehndi on the lawn") -> String {
        """
        {"name":"Ananya Rao","phone":"\(phone)","email":"ananya@example.com","event_type":"wedding","event_date":"\(futureDate)",
         "city":"Udaipur","venue":"","guests":250,"budget":"25l_50l","services":["decor","catering"],"notes":"\(notes)",
         "whatsapp_consent":"yes","idempotency_key":"\(key)","website":""}
        """
    }

    func respond(_ r: Request) async -> Response { await ErrorResponder.respond({ try await submissions.handle($0) }, to: r) }

    func count(_ sql: String, _ params: SQLEncodable?...) throws -> Int64 {
        try context.database.withConnectionSync { try $0.query(sql, params).first!.decode("n") }
    }

    @Test func jsonSubmissionCreatesClientBookingAndRecordsEnquiryReceived() async throws {
        let r = await respond(TestApp.jsonPost("/api/booking", valid()))
        #expect(r.status == 201)
        let id = try #require(r.json["id"] as? String)
        #expect(id.count == 26)
        #expect(r.json["state"] as? String == "enquiry")
        try context.database.withConnectionSync { c in
            let b = try #require(try BookingRepository.find(c, publicID: id))
            #expect(b.state == .enquiry)
            #expect(b.services == ["decor", "catering"])
            #expect(b.guests == 250)
            let client = try #require(try ClientRepository.find(c, id: b.clientID))
            #expect(client.phone == "+919876543210")
            #expect(client.whatsAppConsent)
            // creation audit, first transition, the team's call task, the timeline entry
            #expect(try c.query("SELECT count(*) AS n FROM booking_transitions WHERE booking_id = $1 AND from_state IS NULL AND to_state = 'enquiry'", b.id).first!.decode("n") == Int64(1))
            #expect(try c.query("SELECT count(*) AS n FROM audit_log WHERE entity_id = $1 AND action = 'booking.created'", id).first!.decode("n") == Int64(1))
            #expect(try c.query("SELECT title FROM tasks WHERE booking_id = $1", b.id).first!.decode("title") == "Call the client within 24 h")
            #expect(try c.query("SELECT title FROM portal_events WHERE booking_id = $1", b.id).first!.decode("title") == "Enquiry received")
            // enquiry_received: client on WhatsApp (opted in) and email; the team on WhatsApp (STAFF_WHATSAPP)
            let rows = try c.query("""
                SELECT recipient_role || ':' || channel || ':' || address AS r FROM notifications
                WHERE booking_id = $1 AND moment = 'enquiry_received' ORDER BY 1
                """, b.id).map { try $0.decode("r", as: String.self) }
            #expect(rows == ["client:email:ananya@example.com", "client:whatsapp:+919876543210", "team:whatsapp:+919820099999"])
        }
    }

    @Test func aRepeatedIdempotencyKeyReturnsTheSameBookingOnce() async throws {
        let body = valid(key: "retry-key-0001")
        let first = await respond(TestApp.jsonPost("/api/booking", body))
        let second = await respond(TestApp.jsonPost("/api/booking", body))
        #expect(first.status == 201 && second.status == 201)
        #expect(first.json["id"] as? String == second.json["id"] as? String)
        #expect(second.headers["idempotent-replayed"] == "true")
        #expect(try count("SELECT count(*) AS n FROM bookings") == 1)
        #expect(try count("SELECT count(*) AS n FROM notifications WHERE moment = 'enquiry_received'") == 3)
    }

    @Test func withoutWhatsAppConsentTheClientGetsEmailOnly() async throws {
        let body = valid().replacingOccurrences(of: "\"whatsapp_consent\":\"yes\"", with: "\"whatsapp_consent\":\"no\"")
        #expect(await respond(TestApp.jsonPost("/api/booking", body)).status == 201)
        #expect(try count("SELECT count(*) AS n FROM notifications WHERE recipient_role = 'client' AND channel = 'whatsapp'") == 0)
        #expect(try count("SELECT count(*) AS n FROM notifications WHERE recipient_role = 'client' AND channel = 'email'") == 1)
    }

    @Test func everyFieldErrorComesBackAtOnceAsJSON() async throws {
        let r = await respond(TestApp.jsonPost("/api/booking", """
            {"name":"A","phone":"12345","email":"nope","event_type":"funeral","event_date":"2001-01-01","city":"",
             "guests":10000,"budget":"lots","services":["fireworks"],"notes":"x","website":""}
            """))
        #expect(r.status == 422)
        let error = try #require(r.json["error"] as? [String: Any])
        #expect(error["code"] as? String == "validation_failed")
        let fields = try #require(error["fields"] as? [String: String])
        #expect(Set(fields.keys) == ["name", "phone", "email", "event_type", "event_date", "city", "guests", "budget", "services", "whatsapp_consent"])
        #expect(fields["guests"]?.contains("5,000") == true || fields["guests"]?.contains("5000") == true)
        #expect(try count("SELECT count(*) AS n FROM bookings") == 0)
    }

    @Test func theNoJavaScriptFormRedirectsToTheThankYouPage() async throws {
        let r = await respond(TestApp.formPost("/api/booking", [
            ("name", "Vikram Singh"), ("phone", "+91 99887 76655"), ("email", "vikram@example.com"), ("event_type", "sangeet"),
            ("event_date", futureDate), ("city", "Jaipur"), ("guests", "120"), ("budget", "10l_25l"), ("services", "decor"),
            ("services", "entertainment"), ("whatsapp_consent", "no"), ("website", ""),
        ]))
        #expect(r.status == 303)
        let location = try #require(r.headers["location"])
        #expect(location.hasPrefix("/book/thanks/?id="))
        try context.database.withConnectionSync { c in
            let b = try #require(try BookingRepository.find(c, publicID: String(location.dropFirst("/book/thanks/?id=".count))))
            #expect(b.services == ["decor", "entertainment"])
        }
    }

    @Test func theNoJavaScriptFormIsReRenderedWithErrorsAndEscapedAnswers() async throws {
        let r = await respond(TestApp.formPost("/api/booking", [
            ("name", "<script>alert(1)</script>"), ("phone", "abc"), ("notes", "<img src=x onerror=alert(1)>"), ("city", "Pune"),
        ]))
        #expect(r.status == 422)
        #expect(r.headers["content-type"]?.hasPrefix("text/html") == true)
        let html = r.text
        #expect(html.contains("error-summary"))
        #expect(html.contains("value=\"Pune\""))
        #expect(!html.contains("<script>alert(1)"))
        #expect(!html.contains("<img src=x"))
        #expect(html.contains("&lt;img src=x onerror=alert(1)&gt;"))
        #expect(html.contains("aria-invalid=\"true\" aria-describedby=\"phone-error\""))
    }

    @Test func theHoneypotIsRefusedWith429AndNothingIsStored() async throws {
        let body = valid().replacingOccurrences(of: "\"website\":\"\"", with: "\"website\":\"http://spam.example\"")
        let r = await respond(TestApp.jsonPost("/api/booking", body))
        #expect(r.status == 429)
        #expect(r.headers["retry-after"] != nil)
        #expect(try count("SELECT count(*) AS n FROM bookings") == 0)
    }

    @Test func perIPAndPerPhoneRateLimitsAnswer429WithRetryAfter() async throws {
        let limited = BookingSubmissions(context: context, limits: .init(perIP: .init(hits: 2, windowSeconds: 600),
                                                                         perPhone: .init(hits: 3, windowSeconds: 3600)))
        var statuses: [Int] = []
        for i in 0..<3 {
            let r = await ErrorResponder.respond({ try await limited.handle($0) }, to: TestApp.jsonPost("/api/booking", valid(phone: "9876500\(100 + i)"), remoteAddress: "198.51.100.7"))
            statuses.append(r.status)
            if r.status == 429 { #expect((Int(r.headers["retry-after"] ?? "") ?? 0) > 0) }
        }
        #expect(statuses == [201, 201, 429])
        // the same phone from different addresses: the fourth is refused
        var phoneStatuses: [Int] = []
        for i in 0..<4 {
            let r = await ErrorResponder.respond({ try await limited.handle($0) }, to: TestApp.jsonPost("/api/booking", valid(phone: "9123456789"), remoteAddress: "192.0.2.\(i)"))
            phoneStatuses.append(r.status)
        }
        #expect(phoneStatuses == [201, 201, 201, 429])
    }

    @Test func thePerIPLimitCountsAnIPv6Slash64AsOneVisitorAndAMappedIPv4AsItsAddress() async throws {
        let limited = BookingSubmissions(context: context, limits: .init(perIP: .init(hits: 2, windowSeconds: 600),
                                                                         perPhone: .init(hits: 100, windowSeconds: 3600)))
        var phone = 9876500200
        func submit(from address: String) async -> Int {
            phone += 1
            return await ErrorResponder.respond({ try await limited.handle($0) },
                                                to: TestApp.jsonPost("/api/booking", valid(phone: String(phone)), remoteAddress: address)).status
        }
        // three addresses of one /64: the third is over the limit
        #expect(await submit(from: "2001:db8:7:1::a") == 201)
        #expect(await submit(from: "2001:db8:7:1:ffff::b") == 201)
        #expect(await submit(from: "2001:db8:7:1::c") == 429)
        // the neighbouring /64 is another visitor
        #expect(await submit(from: "2001:db8:7:2::a") == 201)
        // an IPv4 client seen through a dual-stack socket is the same visitor as its IPv4 address
        #expect(await submit(from: "198.51.100.20") == 201)
        #expect(await submit(from: "::ffff:198.51.100.20") == 201)
        #expect(await submit(from: "198.51.100.20") == 429)
        #expect(await submit(from: "198.51.100.21") == 201)
    }

    @Test func aNULByteInAnyFieldIsRefusedByNameAndNothingIsStored() async throws {
        let json = await respond(TestApp.jsonPost("/api/booking", valid().replacingOccurrences(of: "\"Ananya Rao\"", with: #""Ananya\u0000 Rao""#)))
        #expect(json.status == 400)
        let error = try #require(json.json["error"] as? [String: Any])
        #expect(error["code"] as? String == "nul_byte")
        #expect((error["fields"] as? [String: String]).map { Array($0.keys) } == ["name"])
        let form = await respond(TestApp.formPost("/api/booking", [
            ("name", "Vikram Singh"), ("phone", "+91 99887 76655"), ("email", "vikram@example.com"), ("event_type", "sangeet"),
            ("event_date", futureDate), ("city", "Jaipur"), ("guests", "120"), ("budget", "10l_25l"), ("services", "decor"),
            ("notes", "Lawn\u{0}; DROP"), ("whatsapp_consent", "no"), ("website", ""),
        ]))
        #expect(form.status == 400)
        #expect(form.text.contains("notes"))
        #expect(try count("SELECT count(*) AS n FROM bookings") == 0)
        #expect(try count("SELECT count(*) AS n FROM clients") == 0)
    }

    @Test func hostileRequestsGetClearClientErrors() async throws {
        let get = await respond(Request(method: "GET", path: "/api/booking", headers: Headers([("Accept", "application/json")])))
        #expect(get.status == 405 && get.headers["allow"] == "POST")
        let xml = await respond(Request(method: "POST", path: "/api/booking", headers: Headers([("Content-Type", "text/xml")]), body: Array("<a/>".utf8)))
        #expect(xml.status == 415)
        let badJSON = await respond(TestApp.jsonPost("/api/booking", "{\"name\": "))
        #expect(badJSON.status == 400 && (badJSON.json["error"] as? [String: Any])?["code"] as? String == "invalid_json")
        let array = await respond(TestApp.jsonPost("/api/booking", "[1,2,3]"))
        #expect(array.status == 400)
        let empty = await respond(TestApp.jsonPost("/api/booking", ""))
        #expect(empty.status == 400)
        let nested = await respond(TestApp.jsonPost("/api/booking", valid().replacingOccurrences(of: "\"city\":\"Udaipur\"", with: "\"city\":{\"$gt\":\"\"}")))
        #expect(nested.status == 422)
        let injection = await respond(TestApp.jsonPost("/api/booking", valid(notes: "'); DROP TABLE bookings; --")))
        #expect(injection.status == 201)
        #expect(try count("SELECT count(*) AS n FROM bookings WHERE notes = $1", "'); DROP TABLE bookings; --") == 1)
    }
}
