import Foundation
import Testing
import RochIntegrations
import RochTestSupport

/// Webhooks from the fake WhatsApp number arrive signed and decode with our one envelope model.
@Suite struct WhatsAppWebhookTests {
    @Test func statusWebhooksAfterASendAreSignedWithTheAppSecretAndDecodeToTheWamid() async throws {
        let receiver = try FakeHTTPServer { _ in .text(200, "ok") }
        defer { receiver.shutdown() }
        var configuration = FakeWhatsAppServer.Configuration(accessToken: "tok", phoneNumberID: "106540352242922", appSecret: "meta-app-secret",
                                                             templates: [.init(name: "payment_received", bodyParameterCount: 1)])
        configuration.webhookURL = "http://127.0.0.1:\(receiver.port)/api/whatsapp-webhook"
        configuration.automaticStatuses = ["sent", "delivered", "read"]
        let fake = try FakeWhatsAppServer(configuration: configuration)
        defer { fake.shutdown() }

        let client = WhatsAppClient(configuration: .init(apiBase: fake.apiBase, phoneNumberID: "106540352242922", accessToken: "tok"))
        let sent = try await client.sendTemplate(to: "+919876543210", template: "payment_received", language: "en", bodyParameters: ["₹5,000"])
        await fake.waitForWebhooks()

        let deliveries = receiver.requests
        #expect(deliveries.count == 3)
        #expect(fake.webhookResponses == [200, 200, 200])
        var seen: [String] = []
        for delivery in deliveries {
            #expect(delivery.path == "/api/whatsapp-webhook")
            #expect(WebhookSignature.verifyWhatsApp(body: delivery.body, header: delivery.header("X-Hub-Signature-256"), appSecret: "meta-app-secret"))
            #expect(!WebhookSignature.verifyWhatsApp(body: delivery.body, header: delivery.header("X-Hub-Signature-256"), appSecret: "another-secret"))
            let webhook = try WhatsAppWebhook.decode(delivery.body)
            #expect(webhook.object == "whatsapp_business_account")
            #expect(webhook.entry.first?.changes.first?.field == "messages")
            #expect(webhook.entry.first?.changes.first?.value.metadata?.phoneNumberID == "106540352242922")
            let status = try #require(webhook.statuses.first)
            #expect(status.id == sent.messageID)
            #expect(status.recipientID == "919876543210")
            #expect(Int64(status.timestamp) != nil)
            seen.append(status.status)
        }
        #expect(seen == ["sent", "delivered", "read"])
    }

    @Test func aFailedStatusCarriesTheErrorCodeAndDetails() async throws {
        let receiver = try FakeHTTPServer { _ in .text(200, "") }
        defer { receiver.shutdown() }
        var configuration = FakeWhatsAppServer.Configuration(accessToken: "tok", phoneNumberID: "1", appSecret: "s", templates: [])
        configuration.webhookURL = "http://127.0.0.1:\(receiver.port)/hook"
        let fake = try FakeWhatsAppServer(configuration: configuration)
        defer { fake.shutdown() }
        let answered = try await fake.sendStatus(wamid: "wamid.X", status: "failed", recipient: "919800000000",
                                                 error: (131026, "Message undeliverable", "Message undeliverable", "Message Undeliverable."))
        #expect(answered == 200)
        let body = try #require(receiver.requests.first?.body)
        let status = try #require(try WhatsAppWebhook.decode(body).statuses.first)
        #expect(status.status == "failed")
        #expect(status.errors?.first?.code == 131026)
        #expect(status.errors?.first?.errorData?.details == "Message Undeliverable.")
    }

    @Test func inboundMessagesDecodeWithTheSendersProfile() async throws {
        let receiver = try FakeHTTPServer { _ in .text(200, "") }
        defer { receiver.shutdown() }
        var configuration = FakeWhatsAppServer.Configuration(accessToken: "tok", phoneNumberID: "1", appSecret: "s", templates: [])
        configuration.webhookURL = "http://127.0.0.1:\(receiver.port)/hook"
        let fake = try FakeWhatsAppServer(configuration: configuration)
        defer { fake.shutdown() }
        try await fake.sendInboundText(from: "919876543210", name: "Ananya", text: "Can we move the sangeet to 7 pm?")
        let delivery = try #require(receiver.requests.first)
        #expect(WebhookSignature.verifyWhatsApp(body: delivery.body, header: delivery.header("X-Hub-Signature-256"), appSecret: "s"))
        let webhook = try WhatsAppWebhook.decode(delivery.body)
        let message = try #require(webhook.inboundMessages.first)
        #expect(message.from == "919876543210")
        #expect(message.type == "text")
        #expect(message.text?.body == "Can we move the sangeet to 7 pm?")
        #expect(webhook.entry.first?.changes.first?.value.contacts?.first?.profile?.name == "Ananya")
        #expect(webhook.statuses.isEmpty)
    }

    @Test func aDecodedEnvelopeRoundTripsThroughOurModel() throws {
        let webhook = WhatsAppWebhook(entry: [.init(id: "waba", changes: [.init(value: .init(
            metadata: .init(displayPhoneNumber: "15550783881", phoneNumberID: "1"),
            statuses: [.init(id: "wamid.A", status: "delivered", timestamp: "1767225600", recipientID: "919876543210")]))])])
        let bytes = Array(try JSONEncoder().encode(webhook))
        #expect(try WhatsAppWebhook.decode(bytes) == webhook)
        #expect(throws: (any Error).self) { try WhatsAppWebhook.decode(Array(#"{"object":"whatsapp_business_account"}"#.utf8)) }
    }
}
