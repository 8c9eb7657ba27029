import Foundation
import RochIntegrations
import Testing

/// Meta's documented webhook bodies (Fixtures/whatsapp, see its README) decode into what the platform
/// reads. The fake WhatsApp server is our own reading of the same documents; these are Meta's.
struct WhatsAppMetaSampleTests {
    static func sample(_ name: String) throws -> WhatsAppWebhook {
        let url = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
            .appendingPathComponent("Fixtures/whatsapp").appendingPathComponent(name)
        return try WhatsAppWebhook.decode(Array(try Data(contentsOf: url)))
    }

    @Test(arguments: [("status-sent.json", "sent", "1750263773"), ("status-delivered.json", "delivered", "1750263775"),
                      ("status-read.json", "read", "1750263801")])
    func deliveryStatusesDecodeToTheWamidAndState(file: String, state: String, timestamp: String) throws {
        let webhook = try Self.sample(file)
        #expect(webhook.object == "whatsapp_business_account")
        #expect(webhook.entry.map(\.id) == ["102290129340398"])
        #expect(webhook.entry.first?.changes.first?.field == "messages")
        #expect(webhook.entry.first?.changes.first?.value.metadata?.phoneNumberID == "106540352242922")
        let status = try #require(webhook.statuses.first)
        #expect(webhook.statuses.count == 1)
        #expect(status.id == "wamid.HBgLMTY1MDM4Nzk0MzkVAgARGBI3MTE5MjVBOTE3MDk5QUVFM0YA")
        #expect(status.status == state)
        #expect(status.timestamp == timestamp)
        #expect(status.recipientID == "16505551234")
        #expect(status.errors == nil)
        #expect(webhook.inboundMessages.isEmpty)
    }

    @Test func aFailedStatusCarriesMetasErrorCodeTitleAndDetails() throws {
        let status = try #require(try Self.sample("status-failed.json").statuses.first)
        #expect(status.status == "failed")
        #expect(status.id == "wamid.HBgLMTY1MDM4Nzk0MzkVAgARGBI4QzYzQzlGQTNBOTBERkU2RUIA")
        let error = try #require(status.errors?.first)
        #expect(status.errors?.count == 1)
        #expect(error.code == 131050)
        let reason = "Unable to deliver the message. This recipient has chosen to stop receiving marketing messages on WhatsApp from your business."
        #expect(error.title == reason)
        #expect(error.message == reason)
        #expect(error.errorData?.details == reason)
    }

    @Test func anInboundTextNamesItsSenderAndBody() throws {
        let webhook = try Self.sample("inbound-text.json")
        let message = try #require(webhook.inboundMessages.first)
        #expect(webhook.inboundMessages.count == 1)
        #expect(message.from == "16505551234")
        #expect(message.id == "wamid.HBgLMTY1MDM4Nzk0MzkVAgASGBQzQTRBNjU5OUFFRTAzODEwMTQ0RgA=")
        #expect(message.timestamp == "1749416383")
        #expect(message.type == "text")
        #expect(message.text?.body == "Does it come in another color?")
        #expect(message.readableText == "Does it come in another color?")
        #expect(message.context == nil)
        let contact = try #require(webhook.entry.first?.changes.first?.value.contacts?.first)
        #expect(contact.waID == "16505551234")
        #expect(contact.profile?.name == "Sheena Nelson")
        #expect(webhook.statuses.isEmpty)
    }

    @Test func aQuickReplyButtonTapCarriesItsPayloadAndTheMessageItAnswers() throws {
        let message = try #require(try Self.sample("inbound-button.json").inboundMessages.first)
        #expect(message.type == "button")
        #expect(message.text == nil)
        #expect(message.button == .init(text: "Unsubscribe from Promos", payload: "Unsubscribe from Promos"))
        #expect(message.context == .init(from: "15550783881", id: "wamid.HBgLMTY1MDM4Nzk0MzkVAgARGBIyRkI0RjU3ODdFQjY2RjZCRjQA"))
        #expect(message.readableText == "Unsubscribe from Promos")
    }

    @Test func anInteractiveReplyButtonCarriesItsIdAndTitle() throws {
        let message = try #require(try Self.sample("inbound-interactive-button-reply.json").inboundMessages.first)
        #expect(message.type == "interactive")
        #expect(message.interactive?.type == "button_reply")
        #expect(message.interactive?.buttonReply == .init(id: "change-button", title: "Change"))
        #expect(message.interactive?.listReply == nil)
        #expect(message.context?.id == "wamid.HBgLMTY1MDM4Nzk0MzkVAgARGBJGMDVFNkQ4NzdCNjAwNjYxQTkA")
        #expect(message.readableText == "Change")
    }

    @Test func anImageCarriesItsMediaIdTypeHashAndCaption() throws {
        let message = try #require(try Self.sample("inbound-image.json").inboundMessages.first)
        #expect(message.type == "image")
        #expect(message.image == .init(id: "2754859441498128", mimeType: "image/jpeg",
                                       sha256: "81d3bd8a8db4868c9520ed47186e8b7c5789e61ff79f7f834be6950b808a90d3",
                                       caption: "This is a caption"))
        #expect(message.text == nil)
        #expect(message.readableText == "This is a caption")
    }

    @Test func anUnsupportedMessageDecodesWithItsReason() throws {
        let message = try #require(try Self.sample("inbound-unsupported.json").inboundMessages.first)
        #expect(message.type == "unsupported")
        #expect(message.from == "16505551234")
        #expect(message.errors?.first?.code == 131051)
        #expect(message.errors?.first?.errorData?.details == "Message type is currently not supported.")
        #expect(message.readableText == nil)
    }

    @Test func entriesThisModelCannotReadDoNotCostTheRestOfTheBatch() throws {
        let webhook = try Self.sample("batch-with-unreadable-entries.json")
        // a location (a type we do not model) is kept with its common fields; a sender without a number is left out
        #expect(webhook.inboundMessages.map(\.id) == ["wamid.batch-text", "wamid.batch-location"])
        #expect(webhook.inboundMessages.map(\.type) == ["text", "location"])
        #expect(webhook.inboundMessages.first?.text?.body == "Is the 14th still free?")
        // a status without recipient_id (a business-scoped user id instead) is kept; one without a status is not
        #expect(webhook.statuses.map(\.id) == ["wamid.batch-sent", "wamid.batch-bsuid"])
        #expect(webhook.statuses.map(\.recipientID) == ["16505551234", nil])
    }

    @Test(arguments: ["status-sent.json", "status-delivered.json", "status-read.json", "status-failed.json", "inbound-text.json",
                      "inbound-button.json", "inbound-interactive-button-reply.json", "inbound-image.json", "inbound-unsupported.json",
                      "batch-with-unreadable-entries.json"])
    func everySampleSurvivesARoundTripThroughOurModel(file: String) throws {
        let webhook = try Self.sample(file)
        #expect(try WhatsAppWebhook.decode(Array(JSONEncoder().encode(webhook))) == webhook)
    }
}
