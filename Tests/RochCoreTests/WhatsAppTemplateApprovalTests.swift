import RochCore
import Testing

@Suite struct WhatsAppTemplateApprovalTests {
    @Test func everyCatalogueTemplateIsSubmittedOnceWithAnExampleForEachVariable() {
        let definitions = WhatsAppTemplateDefinition.catalogue()
        #expect(definitions.count == NotificationCatalogue.entries.count)
        for d in definitions {
            #expect(d.missingExamples.isEmpty, "\(d.name) lacks examples")
            #expect(d.category == "UTILITY")
            #expect(!d.bodyText.contains("{{client_name}}"))
            // {{1}}..{{n}} in the body, one example each
            for i in 1...max(d.bodyExamples.count, 1) where !d.bodyExamples.isEmpty { #expect(d.bodyText.contains("{{\(i)}}"), "\(d.name) {{\(i)}}") }
            #expect(!d.bodyText.contains("{{\(d.bodyExamples.count + 1)}}"))
        }
    }

    @Test func aTemplateRepeatedInTheCatalogueIsSubmittedOnce() {
        let one = NotificationCatalogue.entries[0]
        #expect(WhatsAppTemplateDefinition.catalogue([one, one]).count == 1)
    }

    @Test func withoutAnyRecordedStatusEveryMessageIsSent() {
        #expect(WhatsAppTemplateApprovals().decision(template: "enquiry_received_client", language: "en") == .send)
    }

    @Test func onceStatusesAreRecordedOnlyApprovedTemplatesAreSent() {
        let approvals = WhatsAppTemplateApprovals(statuses: ["a_client/en": "APPROVED", "b_client/en": "PENDING", "c_client/en": "REJECTED"])
        #expect(approvals.decision(template: "a_client", language: "en") == .send)
        guard case .hold(let pending) = approvals.decision(template: "b_client", language: "en") else { Issue.record("not held"); return }
        #expect(pending.contains("b_client") && pending.contains("PENDING"))
        guard case .hold = approvals.decision(template: "c_client", language: "en") else { Issue.record("rejected not held"); return }
        guard case .hold(let unknown) = approvals.decision(template: "d_client", language: "en") else { Issue.record("unsynced not held"); return }
        #expect(unknown.contains("sync"))
        guard case .hold = approvals.decision(template: "a_client", language: "hi") else { Issue.record("other language sent"); return }
    }

    @Test func statusEventsMapToStatusesAndUnknownEventsAreIgnored() {
        #expect(WhatsAppTemplateApprovals.status(afterEvent: "APPROVED") == "APPROVED")
        #expect(WhatsAppTemplateApprovals.status(afterEvent: "REINSTATED") == "APPROVED")
        #expect(WhatsAppTemplateApprovals.status(afterEvent: "paused") == "PAUSED")
        #expect(WhatsAppTemplateApprovals.status(afterEvent: "SOMETHING_NEW") == nil)
    }
}
