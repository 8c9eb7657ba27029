import Foundation
import RochApp
import RochCore
import RochHTTP
import RochIntegrations
import RochStore
import RochTestSupport
import Testing

@Suite(.serialized) struct WhatsAppWebhookFunctionTests {
    func get(_ query: String) -> Request {
        Request(method: "GET", path: "/api/whatsapp-webhook", queryString: query)
    }

    /// A `messages` change value signed the way Meta signs it (the fake builds the envelope).
    func statusBody(_ kit: NotificationKit, _ statuses: [(String, String)], errorCode: Int? = nil) -> (body: [UInt8], signature: String) {
        kit.fake.signedWebhook(value: ["statuses": statuses.enumerated().map { i, s in
            var entry: [String: Any] = ["id": s.0, "status": s.1, "timestamp": String(1_790_000_000 + i), "recipient_id": "919988776655"]
            if s.1 == "failed", let errorCode {
                entry["errors"] = [["code": errorCode, "title": "Message undeliverable", "message": "Message undeliverable",
                                    "error_data": ["details": "Message Undeliverable."]]]
            }
            return entry
        }])
    }

    func post(_ kit: NotificationKit, _ signed: (body: [UInt8], signature: String)) async -> Response {
        await kit.webhook(kit.webhookPost(signed.body, signature: signed.signature))
    }

    /// Sends the booking's enquiry messages and returns the client's wamid.
    func sentClientMessage(_ kit: NotificationKit) async throws -> String {
        _ = try await kit.booking()
        try await kit.drain(kit.worker())
        return try #require(kit.fake.acceptedMessages.first { $0.template == "enquiry_received_client" }?.wamid)
    }

    func status(_ kit: NotificationKit, _ wamid: String) async throws -> String {
        try await kit.strings("SELECT status AS s FROM notifications WHERE provider_message_id = $1", wamid).first ?? "none"
    }

    @Test func verificationEchoesTheChallengeOnlyForOurToken() async throws {
        let kit = try await NotificationKit.make()
        defer { kit.shutdown() }
        let ok = await kit.webhook(get("hub.mode=subscribe&hub.verify_token=\(NotificationKit.verifyToken)&hub.challenge=1158201444"))
        #expect(ok.status == 200 && ok.text == "1158201444")
        #expect(ok.headers["content-type"]?.hasPrefix("text/plain") == true)
        #expect(await kit.webhook(get("hub.mode=subscribe&hub.verify_token=guess&hub.challenge=1")).status == 403)
        #expect(await kit.webhook(get("hub.mode=unsubscribe&hub.verify_token=\(NotificationKit.verifyToken)&hub.challenge=1")).status == 403)
        #expect(await kit.webhook(get("hub.challenge=1")).status == 403)
        #expect(await kit.webhook(Request(method: "PUT", path: "/api/whatsapp-webhook")).status == 405)
    }

    @Test func anUnconfiguredServerAnswers503WithAClearMessage() async throws {
        let kit = try await NotificationKit.make(whatsApp: false)
        defer { kit.shutdown() }
        let r = await kit.webhook(get("hub.mode=subscribe&hub.verify_token=x&hub.challenge=1"))
        #expect(r.status == 503)
        #expect(r.text.contains("WHATSAPP_APP_SECRET"))
    }

    @Test func postsWithoutAValidSignatureAreRefusedBeforeParsing() async throws {
        let kit = try await NotificationKit.make()
        defer { kit.shutdown() }
        let wamid = try await sentClientMessage(kit)
        let signed = statusBody(kit, [(wamid, "delivered")])
        var unsigned = kit.webhookPost(signed.body)
        unsigned.headers.remove("x-hub-signature-256")
        #expect(await kit.webhook(unsigned).status == 401)
        #expect(await kit.webhook(kit.webhookPost(signed.body, signature: "sha256=" + String(repeating: "ab", count: 32))).status == 401)
        #expect(await kit.webhook(kit.webhookPost(signed.body, signature: "md5=abc")).status == 401)
        let otherSecret = WebhookSignature.signWhatsApp(body: signed.body, appSecret: "not-our-secret")
        #expect(await kit.webhook(kit.webhookPost(signed.body, signature: otherSecret)).status == 401)
        // A body changed after signing (one byte) fails too.
        var tampered = signed.body
        tampered[tampered.count / 2] ^= 0x01
        #expect(await kit.webhook(kit.webhookPost(tampered, signature: signed.signature)).status == 401)
        #expect(try await status(kit, wamid) == "sent")
        // Signed but not JSON / not a webhook / empty.
        #expect(await kit.webhook(kit.webhookPost(Array("{\"object\":".utf8))).status == 400)
        #expect(await kit.webhook(kit.webhookPost(Array("[1,2,3]".utf8))).status == 400)
        #expect(await kit.webhook(kit.webhookPost(Array("{\"object\":\"page\",\"entry\":[]}".utf8))).status == 400)
        #expect(await kit.webhook(kit.webhookPost([])).status == 400)
        let huge = [UInt8](repeating: 0x20, count: WhatsAppWebhookHandler.maxBodyBytes + 1)
        #expect(await kit.webhook(kit.webhookPost(huge)).status == 413)
        #expect(FunctionDefinition.whatsappWebhook.maxBodyBytes == WhatsAppWebhookHandler.maxBodyBytes)
    }

    @Test func statusesAdvanceTheLogAndNeverMoveBackwards() async throws {
        let kit = try await NotificationKit.make()
        defer { kit.shutdown() }
        let wamid = try await sentClientMessage(kit)
        // out of order: read arrives first, then delivered, then a duplicate read and a late sent
        let first = await post(kit, statusBody(kit, [(wamid, "read")]))
        #expect(first.status == 200 && first.json["changed"] as? Int == 1)
        #expect(try await status(kit, wamid) == "read")
        let late = await post(kit, statusBody(kit, [(wamid, "delivered"), (wamid, "read"), (wamid, "sent")]))
        #expect(late.status == 200)
        #expect(late.json["new_statuses"] as? Int == 2 && late.json["changed"] as? Int == 0)
        #expect(try await status(kit, wamid) == "read")
        let replay = await post(kit, statusBody(kit, [(wamid, "delivered"), (wamid, "read")]))
        #expect(replay.json["new_statuses"] as? Int == 0)
        // history: queued, sent (worker), then one row per distinct status Meta reported
        let history = try await kit.strings("""
            SELECT e.status AS s FROM notification_events e JOIN notifications n ON n.id = e.notification_id
            WHERE n.provider_message_id = $1 ORDER BY e.id
            """, wamid)
        #expect(history.filter { $0 == "read" }.count == 1 && history.filter { $0 == "delivered" }.count == 1)
        #expect(history.prefix(2) == ["queued", "sent"])
        let log = try await kit.sync { c in try NotificationLog.recent(c, limit: 10, status: "read") }
        #expect(log.count == 1 && log[0].providerMessageID == wamid && log[0].history.map(\.status).contains("delivered"))
    }

    @Test func failedIsFinalUnlessDeliveryProvesOtherwiseAndAlertsTheTeam() async throws {
        let kit = try await NotificationKit.make()
        defer { kit.shutdown() }
        let wamid = try await sentClientMessage(kit)
        _ = await post(kit, statusBody(kit, [(wamid, "failed")], errorCode: 131026))
        #expect(try await status(kit, wamid) == "failed")
        #expect(try await kit.strings("SELECT last_error AS s FROM notifications WHERE provider_message_id = $1", wamid) == ["WhatsApp 131026: Message Undeliverable."])
        #expect(try await kit.count("SELECT count(*) AS n FROM notifications WHERE moment = 'delivery_failed' AND idempotency_key LIKE '%:whatsapp_131026'") == 1)
        _ = await post(kit, statusBody(kit, [(wamid, "sent")]))
        #expect(try await status(kit, wamid) == "failed")
        _ = await post(kit, statusBody(kit, [(wamid, "delivered")]))
        #expect(try await status(kit, wamid) == "delivered")
        #expect(try await kit.strings("SELECT coalesce(last_error, '') AS s FROM notifications WHERE provider_message_id = $1", wamid) == [""])
    }

    @Test func aStatusThatArrivesBeforeTheMessageIDIsStoredIsAppliedWhenItIs() async throws {
        let kit = try await NotificationKit.make()
        defer { kit.shutdown() }
        _ = try await kit.booking()
        let early = "wamid.HBgMEARLY0000000000000000"
        let answer = await post(kit, statusBody(kit, [(early, "delivered")]))
        #expect(answer.status == 200 && answer.json["changed"] as? Int == 0)
        try await kit.sync { c in
            let row = try NotificationQueue.claim(c, limit: 1)[0]
            try c.transaction { c in
                try NotificationQueue.markSent(c, row, providerMessageID: early)
                try WhatsAppInbox.apply(c, wamids: [early])
            }
        }
        #expect(try await status(kit, early) == "delivered")
    }

    @Test func aThreeMegabyteBatchOfAThousandStatusesIsAppliedInOnePass() async throws {
        let kit = try await NotificationKit.make()
        defer { kit.shutdown() }
        let booking = try await kit.booking()
        let wamids = (0..<1_000).map { "wamid.BATCH\(String(format: "%06d", $0))" }
        try await kit.sync { c in
            try c.execute("""
                INSERT INTO notifications (idempotency_key, moment, booking_id, recipient_role, channel, address, status, provider_message_id, sent_at)
                SELECT 'batch:' || w, 'event_completed', $2, 'client', 'whatsapp', '+919988776655', 'sent', w, now() FROM unnest($1::text[]) w
                """, wamids, booking.id)
        }
        // Meta pads statuses with conversation and pricing objects; pad each to ~3 KB to reach 3 MB.
        let padding = String(repeating: "x", count: 2_880)
        let statuses: [[String: Any]] = wamids.enumerated().map { i, w in
            ["id": w, "status": i % 3 == 0 ? "read" : "delivered", "timestamp": "1790000000", "recipient_id": "919988776655",
             "conversation": ["id": padding, "origin": ["type": "utility"]], "pricing": ["billable": true, "category": "utility"]]
        }
        let signed = kit.fake.signedWebhook(value: ["statuses": statuses])
        #expect(signed.body.count > 2_900_000 && signed.body.count <= WhatsAppWebhookHandler.maxBodyBytes)
        let started = ContinuousClock.now
        let r = await post(kit, signed)
        print("whatsapp-webhook: \(signed.body.count) bytes, 1,000 statuses applied in \(ContinuousClock.now - started)")
        #expect(r.status == 200)
        #expect(r.json["changed"] as? Int == 1_000)
        #expect(try await kit.count("SELECT count(*) AS n FROM notifications WHERE status = 'read' AND idempotency_key LIKE 'batch:%'") == 334)
        #expect(try await kit.count("SELECT count(*) AS n FROM notifications WHERE status = 'delivered' AND idempotency_key LIKE 'batch:%'") == 666)
        #expect(try await kit.count("SELECT count(*) AS n FROM notification_events e JOIN notifications n ON n.id = e.notification_id WHERE n.idempotency_key LIKE 'batch:%'") == 1_000)
        // Meta retries the same batch: nothing changes.
        let again = await post(kit, signed)
        #expect(again.status == 200 && again.json["new_statuses"] as? Int == 0)
    }

    @Test func aClientReplyIsStoredOnceLinkedToTheBookingAndGivesTheCoordinatorATask() async throws {
        let kit = try await NotificationKit.make()
        defer { kit.shutdown() }
        let booking = try await kit.booking()
        let message: [String: Any] = ["from": "919988776655", "id": "wamid.INBOUND1", "timestamp": "1790000000", "type": "text",
                                      "text": ["body": "Can we add 50 guests?"]]
        let signed = kit.fake.signedWebhook(value: ["contacts": [["profile": ["name": "Meera"], "wa_id": "919988776655"]], "messages": [message]])
        let r = await post(kit, signed)
        #expect(r.status == 200 && r.json["new_messages"] as? Int == 1)
        _ = await post(kit, signed)  // duplicate delivery
        let stored = try await kit.sync { c in try c.query("SELECT body, profile_name, client_id, booking_id FROM inbound_messages").map { $0 } }
        #expect(stored.count == 1)
        #expect(try stored[0].decode("body", as: String.self) == "Can we add 50 guests?")
        #expect(try stored[0].decode("booking_id", as: Int64.self) == booking.id)
        #expect(try await kit.count("SELECT count(*) AS n FROM clients WHERE last_inbound_at = to_timestamp(1790000000)") == 1)
        let tasks = try await kit.strings("SELECT title AS s FROM tasks WHERE booking_id = $1 AND title LIKE 'Reply to%'", booking.id)
        #expect(tasks == ["Reply to Meera Nair on WhatsApp: \"Can we add 50 guests?\""])
        // A stranger's message is kept, without a client.
        let stranger = kit.fake.signedWebhook(value: ["messages": [["from": "447700900123", "id": "wamid.INBOUND2", "timestamp": "1790000001",
                                                                    "type": "image", "image": ["id": "123"]]]])
        #expect(await post(kit, stranger).status == 200)
        #expect(try await kit.strings("SELECT body AS s FROM inbound_messages WHERE client_id IS NULL") == ["[image message]"])
    }
}
