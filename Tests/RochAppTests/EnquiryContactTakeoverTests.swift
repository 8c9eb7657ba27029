import Foundation
import RochApp
import RochCore
import RochHTTP
import RochStore
import RochTestSupport
import Testing

/// The public booking form cannot change who a client is: an enquiry for a phone we already know keeps
/// what the visitor typed on the new booking, and every message and sign-in link goes only to the
/// channels the client's own row holds. (The attack: a stranger types a client's phone with their own
/// email and "no WhatsApp", then asks for a portal link for that phone.)
@Suite struct EnquiryContactTakeoverTests {
    let context: AppContext
    let submissions: BookingSubmissions
    let portal: PortalAPI
    let victimID: Int64
    let futureDate = IST.day(of: Date()).adding(days: 120).description

    static let victimPhone = "+919876543210"
    static let attackerEmail = "mallory@attacker.example"

    init() async throws {
        context = try await TestApp.context()
        let generous = RateLimiter.Limit(hits: 1000, windowSeconds: 600)
        submissions = BookingSubmissions(context: context, limits: .init(perIP: generous, perPhone: generous))
        portal = PortalAPI(context: context, limits: .init(perIP: generous, perPhone: generous))
        victimID = try context.database.withConnectionSync { c in
            try c.query("""
                INSERT INTO clients (phone, name, email, whatsapp_consent, whatsapp_consent_at, updated_at)
                VALUES ($1, 'Asha Rao', 'asha@example.com', true, '2026-01-02 03:04:05+00', '2026-01-02 03:04:05+00') RETURNING id
                """, Self.victimPhone).first!.decode("id")
        }
    }

    func enquiry(name: String, phone: String, email: String, consent: String) -> String {
        """
        {"name":"\(name)","phone":"\(phone)","email":"\(email)","event_type":"wedding","event_date":"\(futureDate)",
         "city":"Udaipur","venue":"","guests":250,"budget":"25l_50l","services":["decor"],"notes":"",
         "whatsapp_consent":"\(consent)","idempotency_key":"\(UUID().uuidString)","website":""}
        """
    }

    func submit(_ json: String) async -> Response {
        await ErrorResponder.respond({ try await submissions.handle($0) }, to: TestApp.jsonPost("/api/booking", json))
    }

    /// The client row as text, every column the attack could touch.
    func victimRow() throws -> String {
        try context.database.withConnectionSync { c in
            try c.query("""
                SELECT concat_ws('|', name, email, whatsapp_consent, whatsapp_consent_at AT TIME ZONE 'UTC', updated_at AT TIME ZONE 'UTC') AS r
                FROM clients WHERE id = $1
                """, victimID).first!.decode("r")
        }
    }

    func strings(_ sql: String, _ params: SQLEncodable?...) throws -> [String] {
        try context.database.withConnectionSync { c in try c.query(sql, params).map { try $0.decode("v", as: String.self) } }
    }

    @Test func theTakeoverAttackLeavesTheClientUnchangedAndNoLinkReachesTheAttacker() async throws {
        let before = try victimRow()
        #expect(before == "Asha Rao|asha@example.com|t|2026-01-02 03:04:05|2026-01-02 03:04:05")

        let r = await submit(enquiry(name: "Mallory", phone: "98765 43210", email: Self.attackerEmail, consent: "no"))
        #expect(r.status == 201)
        let link = await ErrorResponder.respond({ try await portal.handle($0) },
                                                to: TestApp.jsonPost("/api/portal/link", #"{"phone":"98765 43210"}"#))
        #expect(link.status == 202)
        let worker = Worker(context: context, whatsApp: .some(nil), email: .some(nil))
        _ = try await worker.runUntilIdle()

        #expect(try victimRow() == before)
        // the booking belongs to the stored client and carries what the visitor typed, as typed
        let id = try #require(r.json["id"] as? String)
        #expect(try strings("SELECT client_id::text AS v FROM bookings WHERE public_id = $1", id) == [String(victimID)])
        #expect(try strings("""
            SELECT concat_ws('|', submitted_name, submitted_email, submitted_whatsapp_consent) AS v FROM bookings WHERE public_id = $1
            """, id) == ["Mallory|\(Self.attackerEmail)|f"])
        // every message (the enquiry acknowledgement, the requested sign-in link) goes to the stored channels only
        let clientMessages = try strings("""
            SELECT moment || ':' || channel || ':' || address AS v FROM notifications WHERE recipient_role = 'client' ORDER BY 1
            """)
        #expect(clientMessages == ["enquiry_received:email:asha@example.com", "enquiry_received:whatsapp:\(Self.victimPhone)",
                                   "portal_link_requested:email:asha@example.com", "portal_link_requested:whatsapp:\(Self.victimPhone)"])
        #expect(try strings("SELECT id::text AS v FROM notifications WHERE address ILIKE '%attacker%' OR parameters::text ILIKE '%attacker%'") == [])
        // the team is asked to check the differing details with the client
        let tasks = try strings("SELECT title AS v FROM tasks WHERE title LIKE 'Check the %' AND assignee_role = 'sales'")
        #expect(tasks.count == 1)
        #expect(tasks.first?.hasPrefix("Check the name, email, WhatsApp consent typed on this enquiry") == true)
    }

    @Test func aKnownNumberIsNotOptedInToWhatsAppFromTheForm() async throws {
        try context.database.withConnectionSync { c in
            _ = try c.execute("UPDATE clients SET whatsapp_consent = false, whatsapp_consent_at = NULL WHERE id = $1", victimID)
        }
        let before = try victimRow()
        let r = await submit(enquiry(name: "Asha Rao", phone: Self.victimPhone, email: "asha@example.com", consent: "yes"))
        #expect(r.status == 201)
        #expect(try victimRow() == before)
        #expect(try strings("SELECT channel AS v FROM notifications WHERE recipient_role = 'client'") == ["email"])
        #expect(try strings("SELECT submitted_whatsapp_consent::text AS v FROM bookings") == ["true"])
    }

    @Test func aNewNumberBecomesAClientWithWhatItTypedIncludingItsWhatsAppOptIn() async throws {
        let r = await submit(enquiry(name: "Vikram Singh", phone: "99887 76655", email: "vikram@example.com", consent: "yes"))
        #expect(r.status == 201)
        #expect(try strings("""
            SELECT concat_ws('|', name, email, whatsapp_consent, whatsapp_consent_at IS NOT NULL) AS v FROM clients WHERE phone = '+919988776655'
            """) == ["Vikram Singh|vikram@example.com|t|t"])
        let id = try #require(r.json["id"] as? String)
        try context.database.withConnectionSync { c in
            let booking = try #require(try BookingRepository.find(c, publicID: id))
            #expect(try BookingRepository.submittedContact(c, bookingID: booking.id)
                    == SubmittedContact(name: "Vikram Singh", email: "vikram@example.com", whatsAppConsent: true))
        }
        #expect(try victimRow() == "Asha Rao|asha@example.com|t|2026-01-02 03:04:05|2026-01-02 03:04:05")
        #expect(try strings("SELECT title AS v FROM tasks WHERE title LIKE 'Check the %'") == [])
    }
}
