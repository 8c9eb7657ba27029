import Crypto
import Foundation
@testable import RochApp
import RochHTTP
import RochIntegrations
import RochStore
import RochTestSupport
import Testing

/// Webhook deliveries that fail verification cannot fill the database, and old deliveries are
/// pruned on the worker's schedule without losing what payments depend on.
@Suite struct WebhookRetentionTests {
    static let secret = "retention_webhook_secret"
    static let appSecret = "retention_app_secret"

    let context: AppContext
    let razorpay: RazorpayWebhookFunction

    init(environment: [String: String] = [:]) async throws {
        let env = ["RAZORPAY_KEY_ID": "rzp_test_Retention01", "RAZORPAY_KEY_SECRET": "k", "RAZORPAY_WEBHOOK_SECRET": Self.secret,
                   "WHATSAPP_ACCESS_TOKEN": "t", "WHATSAPP_PHONE_NUMBER_ID": "1065", "WHATSAPP_APP_SECRET": Self.appSecret,
                   "WHATSAPP_VERIFY_TOKEN": "v"].merging(environment) { $1 }
        context = try await offCooperativePool { try TestApp.context(environment: env) }
        razorpay = RazorpayWebhookFunction(context: context)
    }

    /// A Razorpay webhook POST from `ip`; `signature: nil` sends none.
    func razorpayPost(_ body: [UInt8], signature: String?, eventID: String? = nil, from ip: String = "198.51.100.7") async -> Response {
        var headers: [(String, String)] = [("Content-Type", "application/json")]
        if let signature { headers.append(("X-Razorpay-Signature", signature)) }
        if let eventID { headers.append(("X-Razorpay-Event-Id", eventID)) }
        let request = Request(method: "POST", path: "/api/razorpay-webhook", headers: Headers(headers), remoteAddress: ip, body: body)
        let function = razorpay
        return await ErrorResponder.respond({ try await function.handle($0) }, to: request)
    }

    func signedEvent(_ name: String, id: String) async -> Response {
        let body = Array(#"{"entity":"event","event":"\#(name)","payload":{}}"#.utf8)
        return await razorpayPost(body, signature: WebhookSignature.signRazorpay(body: body, secret: Self.secret), eventID: id)
    }

    func int(_ sql: String, _ params: SQLEncodable?...) throws -> Int64 {
        try context.database.withConnectionSync { c in try c.query(sql, params).first!.decode("n") }
    }

    /// Incompressible bytes, so PostgreSQL's TOAST compression cannot hide a stored body.
    static func noise(_ count: Int) -> [UInt8] {
        var rng = SystemRandomNumberGenerator()
        return Array((0..<(count + 7) / 8).flatMap { _ in withUnsafeBytes(of: rng.next() as UInt64) { Array($0) } }.prefix(count))
    }

    @Test func fiftyRejected500KBPostsGrowTheDatabaseByWellUnderOneMegabyte() async throws {
        let sizes = "SELECT pg_total_relation_size('webhook_deliveries') + pg_total_relation_size('webhook_rejections') AS n"
        let tablesBefore = try int(sizes)
        let databaseBefore = try int("SELECT pg_database_size(current_database()) AS n")
        var statuses: [Int] = []
        var first: [UInt8] = []
        for i in 0..<50 {
            let body = Self.noise(500 * 1024)
            if i == 0 { first = body }
            // Five senders, half without a signature and half with a wrong one: every post is kept
            // (ten per sender, under the default limit), but only as a digest and a prefix.
            let signature = i % 2 == 0 ? nil : String(repeating: "ab", count: 32)
            statuses.append(await razorpayPost(body, signature: signature, eventID: "evt_forged_\(i)", from: "198.51.100.\(i % 5 + 1)").status)
        }
        #expect(statuses == (0..<50).map { $0 % 2 == 0 ? 400 : 401 })
        #expect(try int("SELECT count(*) AS n FROM webhook_deliveries WHERE NOT signature_ok") == 50)
        let tableGrowth = try int(sizes) - tablesBefore
        let databaseGrowth = try int("SELECT pg_database_size(current_database()) AS n") - databaseBefore
        print("50 rejected 500 KB posts: webhook tables grew \(tableGrowth) bytes, the database \(databaseGrowth) bytes")
        #expect(tableGrowth < 1_000_000)
        #expect(databaseGrowth < 1_000_000)
        // What is kept identifies the body: its SHA-256, its length and its first 512 bytes.
        let kept = try context.database.withConnectionSync { c in
            try c.query("SELECT raw_body, body_sha256, body_length, outcome, remote_address FROM webhook_deliveries WHERE event_id = 'evt_forged_0'").first!
        }
        #expect(try kept.decode("raw_body", as: ByteA.self).bytes == Array(first.prefix(512)))
        #expect(try kept.decode("body_sha256", as: ByteA.self).bytes == Array(SHA256.hash(data: first)))
        #expect(try kept.decode("body_length", as: Int.self) == 500 * 1024)
        #expect(try kept.decode("outcome", as: String.self) == "rejected: no X-Razorpay-Signature header")
        #expect(try kept.decode("remote_address", as: String.self) == "198.51.100.1")
    }

    @Test func beyondTheLimitPerSourceRejectedDeliveriesAreOnlyCountedAndIPv6CountsBy64() async throws {
        let world = try await WebhookRetentionTests(environment: ["WEBHOOK_REJECTED_LIMIT": "3/3600"])
        let wrong = String(repeating: "0", count: 64)
        var statuses: [Int] = []
        for i in 0..<5 { statuses.append(await world.razorpayPost(Self.noise(2_000), signature: wrong, from: "2001:db8:1:2::\(i + 10)").status) }
        statuses.append(await world.razorpayPost(Self.noise(2_000), signature: wrong, from: "2001:db8:1:2:ffff::1").status)  // same /64
        statuses.append(await world.razorpayPost(Self.noise(2_000), signature: wrong, from: "2001:db8:1:3::1").status)      // another /64
        statuses.append(await world.razorpayPost(Self.noise(2_000), signature: wrong, from: "203.0.113.9").status)
        // The sender always hears why: the limit changes what is kept, never the answer.
        #expect(statuses == Array(repeating: 401, count: 8))
        #expect(try world.int("SELECT count(*) AS n FROM webhook_deliveries WHERE remote_address LIKE '2001:db8:1:2:%'") == 3)
        #expect(try world.int("SELECT count(*) AS n FROM webhook_deliveries WHERE remote_address = '2001:db8:1:3::1'") == 1)
        #expect(try world.int("SELECT count(*) AS n FROM webhook_deliveries WHERE remote_address = '203.0.113.9'") == 1)
        #expect(try world.int("SELECT received::bigint AS n FROM webhook_rejections WHERE source = '2001:db8:1:2::/64'") == 6)
        #expect(try world.int("SELECT received::bigint AS n FROM webhook_rejections WHERE source = '2001:db8:1:3::/64'") == 1)
        // A genuine event from the limited network is still processed.
        let accepted = await world.signedEvent("order.paid", id: "evt_genuine_1")
        #expect(accepted.status == 200)
    }

    @Test func unsignedWhatsAppPostsAreKeptAsADigestAndPrefixUnderTheSameLimit() async throws {
        let world = try await WebhookRetentionTests(environment: ["WEBHOOK_REJECTED_LIMIT": "2/3600"])
        let handler = WhatsAppWebhookHandler(context: world.context)
        var statuses: [Int] = []
        for i in 0..<4 {
            var headers = Headers([("Content-Type", "application/json")])
            if i % 2 == 1 { headers.add("X-Hub-Signature-256", "sha256=" + String(repeating: "1", count: 64)) }
            let request = Request(method: "POST", path: "/api/whatsapp-webhook", headers: headers, remoteAddress: "192.0.2.44",
                                  body: Self.noise(300_000))
            statuses.append(await ErrorResponder.respond({ try await handler.handle($0) }, to: request).status)
        }
        #expect(statuses == [401, 401, 401, 401])
        #expect(try world.int("SELECT count(*) AS n FROM webhook_deliveries WHERE provider = 'whatsapp' AND NOT signature_ok AND length(raw_body) = 512 AND body_length = 300000") == 2)
        #expect(try world.int("SELECT received::bigint AS n FROM webhook_rejections WHERE provider = 'whatsapp'") == 4)
    }

    @Test func aSourceIsTheIPv4AddressOrTheIPv6Slash64() {
        #expect(RejectedWebhooks.source(of: "203.0.113.9") == "203.0.113.9")
        #expect(RejectedWebhooks.source(of: "2001:db8:1:2:aaaa:bbbb:cccc:dddd") == "2001:db8:1:2::/64")
        #expect(RejectedWebhooks.source(of: "[2001:db8:1:2::1]") == "2001:db8:1:2::/64")
        #expect(RejectedWebhooks.source(of: "::ffff:198.51.100.7") == "198.51.100.7")  // IPv4-mapped: the IPv4 host
        #expect(RejectedWebhooks.source(of: "::1") == "::/64")
        #expect(RejectedWebhooks.source(of: "not an address") == "not an address")
    }

    /// Moves a delivery (by event id) back in time.
    func age(_ eventID: String, days: Int) throws {
        _ = try context.database.withConnectionSync { c in
            try c.execute("UPDATE webhook_deliveries SET received_at = now() - make_interval(days => $2) WHERE event_id = $1", eventID, days)
        }
    }

    func worker(_ env: [String: String] = [:]) throws -> Worker {
        var options = try WorkerOptions.from(environment: env)
        options.pruneInterval = 0
        return Worker(context: context, options: options, whatsApp: .some(nil), email: .some(nil), handlers: [:])
    }

    @Test func theWorkerPrunesRejectedDeliveriesAfterAWeekAndVerifiedOnesAfterNinetyDays() async throws {
        #expect(await signedEvent("order.paid", id: "evt_old").status == 200)
        #expect(await signedEvent("order.paid", id: "evt_recent").status == 200)
        #expect(await signedEvent("order.paid", id: "evt_old").status == 200)  // a duplicate, received later
        _ = await razorpayPost(Self.noise(100), signature: nil, eventID: "evt_forged_old")
        _ = await razorpayPost(Self.noise(100), signature: nil, eventID: "evt_forged_recent")
        _ = try context.database.withConnectionSync { c in
            try c.execute("UPDATE webhook_deliveries SET received_at = now() - interval '91 days' WHERE event_id = 'evt_old' AND processed_at IS NOT NULL")
            try c.execute("UPDATE webhook_deliveries SET received_at = now() - interval '10 days' WHERE event_id = 'evt_old' AND processed_at IS NULL")
            try c.execute("UPDATE webhook_rejections SET window_start = window_start - interval '8 days'")
        }
        try age("evt_recent", days: 89)
        try age("evt_forged_old", days: 8)
        try age("evt_forged_recent", days: 6)

        let pass = try await worker().runOnce()
        #expect(pass.prunedDeliveries == 2)
        let left = try context.database.withConnectionSync { c in
            try c.query("SELECT event_id || ':' || outcome || ':' || (duplicate_of IS NULL) AS v FROM webhook_deliveries ORDER BY id")
                .map { try $0.decode("v", as: String.self) }
        }
        #expect(left == ["evt_recent:ignored: the body is not a Razorpay event:true", "evt_old:duplicate:true",
                         "evt_forged_recent:rejected: no X-Razorpay-Signature header:true"])
        #expect(try int("SELECT count(*) AS n FROM webhook_rejections") == 0)
        // Within its retention a processed event still makes a redelivery a duplicate: nothing is applied twice.
        let again = await signedEvent("order.paid", id: "evt_recent")
        #expect(again.json["status"] as? String == "duplicate")
    }

    @Test func retentionIsConfigurableButNeverShorterThanRazorpaysRetries() async throws {
        #expect(await signedEvent("order.paid", id: "evt_100_days").status == 200)
        _ = await razorpayPost(Self.noise(100), signature: nil, eventID: "evt_forged_3_days")
        try age("evt_100_days", days: 100)
        try age("evt_forged_3_days", days: 3)
        let pass = try await worker(["WEBHOOK_RETENTION_DAYS": "365", "WEBHOOK_REJECTED_RETENTION_DAYS": "2"]).runOnce()
        #expect(pass.prunedDeliveries == 1)
        #expect(try int("SELECT count(*) AS n FROM webhook_deliveries WHERE event_id = 'evt_100_days'") == 1)
        #expect(try int("SELECT count(*) AS n FROM webhook_deliveries WHERE NOT signature_ok") == 0)
        #expect { try WorkerOptions.from(environment: ["WEBHOOK_RETENTION_DAYS": "1"]) } throws: {
            "\($0)".contains("WEBHOOK_RETENTION_DAYS must be a number between 2.0 and 3650.0")
        }
        #expect { try Configuration(environment: ["DATABASE_URL": "postgresql://x/y", "WEBHOOK_REJECTED_LIMIT": "lots"]) } throws: {
            "\($0)".contains("WEBHOOK_REJECTED_LIMIT must be")
        }
    }
}
