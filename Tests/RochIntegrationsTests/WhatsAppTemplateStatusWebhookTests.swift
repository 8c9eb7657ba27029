import RochIntegrations
import Testing

/// The `message_template_status_update` change as Meta's webhook reference describes it
/// (developers.facebook.com, "message_template_status_update webhook reference"): a numeric
/// template id, the event, name, language, reason and category beside each other in `value`.
struct WhatsAppTemplateStatusWebhookTests {
    @Test func aTemplateStatusChangeDecodesBesideMessageStatuses() throws {
        let body = #"""
        {"object":"whatsapp_business_account","entry":[{"id":"102290129340398","time":1764860000,"changes":[
          {"value":{"event":"REJECTED","message_template_id":1689556908129832,"message_template_name":"booking_cancelled_client",
                    "message_template_language":"en","reason":"INCORRECT_CATEGORY","message_template_category":"UTILITY"},
           "field":"message_template_status_update"},
          {"value":{"event":"APPROVED","message_template_id":"1689556908129833","message_template_name":"event_completed_client",
                    "message_template_language":"en","reason":"NONE"},
           "field":"message_template_status_update"}]}]}
        """#
        let webhook = try WhatsAppWebhook.decode(Array(body.utf8))
        #expect(webhook.statuses.isEmpty && webhook.inboundMessages.isEmpty)
        let updates = webhook.templateStatusUpdates
        #expect(updates.map(\.event) == ["REJECTED", "APPROVED"])
        #expect(updates.map(\.templateID) == ["1689556908129832", "1689556908129833"])
        #expect(updates.map(\.name) == ["booking_cancelled_client", "event_completed_client"])
        #expect(updates.first?.reason == "INCORRECT_CATEGORY" && updates.first?.language == "en")
    }

    @Test func aMessagesChangeCarriesNoTemplateUpdate() throws {
        let body = #"{"object":"whatsapp_business_account","entry":[{"id":"1","changes":[{"field":"messages","value":{"event":"APPROVED"}}]}]}"#
        #expect(try WhatsAppWebhook.decode(Array(body.utf8)).templateStatusUpdates.isEmpty)
    }
}
