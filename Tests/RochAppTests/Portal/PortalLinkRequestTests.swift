import Foundation
import RochApp
import RochCore
import RochHTTP
import RochStore
import RochTestSupport
import Testing

/// "Send me a new link" and the links that booking messages carry.
@Suite struct PortalLinkRequestTests {
    let world: PortalWorld
    init() throws { world = try PortalWorld() }

    func request(_ phone: String, ip: String = "203.0.113.7") async -> Response {
        await ErrorResponder.respond({ try await world.api.handle($0) }, to: TestApp.jsonPost("/api/portal/link", #"{"phone":"\#(phone)"}"#, remoteAddress: ip))
    }

    @Test func theAnswerIsTheSameForAClientsNumberAndAStrangers() async throws {
        let known = await request("98765 00001")
        let unknown = await request("98765 00099")
        #expect(known.status == 202)
        #expect(unknown.status == known.status)
        #expect(unknown.bodyBytes == known.bodyBytes)
        #expect(unknown.headers == known.headers)
        // both did the same work: one queued job each, and no message yet on the request path
        #expect(try world.sql("SELECT count(*) AS v FROM jobs WHERE kind = 'portal_link_request'") == 2)
        #expect(try world.sql("SELECT count(*) AS v FROM notifications") == 0)
    }

    @Test func theWorkerQueuesALinkForAKnownClientOnWhatsAppAndEmailAndNothingForAStranger() async throws {
        _ = await request("+919876500001")
        _ = await request("+919876500099")
        let jobs = try world.context.database.withConnectionSync { c in
            try c.query("SELECT id, kind, payload::text AS payload FROM jobs ORDER BY id").map {
                JobRecord(id: try $0.decode("id"), kind: try $0.decode("kind"), payload: JSONB(try $0.decode("payload", as: String.self)), attempts: 0)
            }
        }
        let handler = try #require(JobHandlers.all()[PortalLinkRequests.jobKind])
        for job in jobs { try await handler.run(job, context: world.context) }
        for job in jobs { try await handler.run(job, context: world.context) }  // a re-run queues nothing twice
        let rows = try world.context.database.withConnectionSync { c in
            try c.query("""
                SELECT channel, address, moment, parameters->'portal_link'->>'client_id' AS client, parameters->'portal_link'->>'issued_by' AS issuer
                FROM notifications ORDER BY channel
                """).map { (try $0.decode("channel", as: String.self), try $0.decode("address", as: String.self),
                            try $0.decode("moment", as: String.self), try $0.decode("client", as: String.self), try $0.decode("issuer", as: String.self)) }
        }
        #expect(rows.map(\.0) == ["email", "whatsapp"])
        #expect(rows.map(\.1) == ["asha@example.com", "+919876500001"])
        #expect(rows.allSatisfy { $0.2 == "portal_link_requested" && $0.3 == String(world.asha.clientID) && $0.4 == "client:request" })
        // The link itself is minted when the worker sends (OutboxSafetyTests): nothing is issued yet.
        #expect(try world.sql("SELECT count(*) AS v FROM portal_tokens") == 0)
    }

    @Test func requestsAreRateLimitedPerNumberWhetherOrNotItIsAClients() async throws {
        for phone in ["+919876500001", "+919876500077"] {
            for _ in 0..<3 { #expect(await request(phone).status == 202) }
            let limited = await request(phone)
            #expect(limited.status == 429)
            #expect(limited.headers["retry-after"] != nil)
        }
    }

    @Test func requestsAreRateLimitedPerAddress() async throws {
        let world = try PortalWorld(limits: .init(perIP: .init(hits: 2, windowSeconds: 600), perPhone: .init(hits: 100, windowSeconds: 600)))
        func ask(_ phone: String) async -> Int {
            await ErrorResponder.respond({ try await world.api.handle($0) }, to: TestApp.jsonPost("/api/portal/link", #"{"phone":"\#(phone)"}"#, remoteAddress: "198.51.100.9")).status
        }
        #expect(await ask("+919876500011") == 202)
        #expect(await ask("+919876500012") == 202)
        #expect(await ask("+919876500013") == 429)
    }

    @Test func requestsAreRateLimitedPerIPv6Slash64() async throws {
        let world = try PortalWorld(limits: .init(perIP: .init(hits: 2, windowSeconds: 600), perPhone: .init(hits: 100, windowSeconds: 600)))
        func ask(_ phone: String, from address: String) async -> Int {
            await ErrorResponder.respond({ try await world.api.handle($0) }, to: TestApp.jsonPost("/api/portal/link", #"{"phone":"\#(phone)"}"#, remoteAddress: address)).status
        }
        #expect(await ask("+919876500011", from: "2001:db8:9:9::1") == 202)
        #expect(await ask("+919876500012", from: "2001:db8:9:9::2") == 202)
        #expect(await ask("+919876500013", from: "2001:db8:9:9:abcd::3") == 429)
        #expect(await ask("+919876500014", from: "2001:db8:9:a::1") == 202)
    }

    @Test func anInvalidNumberOrBodyIsExplained() async throws {
        let bad = await request("12")
        #expect(bad.status == 422)
        #expect(((bad.json["error"] as? [String: Any])?["fields"] as? [String: String])?["phone"] != nil)
        let notJSON = await ErrorResponder.respond({ try await world.api.handle($0) }, to: TestApp.jsonPost("/api/portal/link", "{phone"))
        #expect(notJSON.status == 400)
        let form = await ErrorResponder.respond({ try await world.api.handle($0) }, to: TestApp.formPost("/api/portal/link", [("phone", "9876500001")]))
        #expect(form.status == 303)
        #expect(form.headers["location"] == "/portal/?signin=sent")
    }

    @Test func aBookingConfirmationCarriesAPersonalLinkForTheClientOnly() async throws {
        let notifier = BookingNotifier(configuration: world.context.configuration)
        try world.context.database.withConnectionSync { c in
            let booking = try BookingRepository.find(c, id: world.asha.bookingID)!
            try notifier.notify(c, moment: .bookingConfirmed, booking: booking)
        }
        let rows = try world.context.database.withConnectionSync { c in
            try c.query("""
                SELECT recipient_role, jsonb_typeof(parameters->'portal_link') AS kind, parameters->>'portal_link' AS link
                FROM notifications WHERE moment = 'booking_confirmed'
                """).map { (try $0.decode("recipient_role", as: String.self), try $0.decode("kind", as: String.self), try $0.decode("link", as: String.self)) }
        }
        let client = rows.filter { $0.0 == "client" }
        let others = rows.filter { $0.0 != "client" }
        #expect(!client.isEmpty && !others.isEmpty)
        // The client's rows name the link to mint at send time; the team's carry the plain portal address.
        #expect(client.allSatisfy { $0.1 == "object" && $0.2.contains("\"issued_by\": \"moment:booking_confirmed\"") })
        #expect(others.allSatisfy { $0.1 == "string" && !$0.2.contains("token=") })
        #expect(try world.sql("SELECT count(*) AS v FROM portal_tokens") == 0)
    }
}
