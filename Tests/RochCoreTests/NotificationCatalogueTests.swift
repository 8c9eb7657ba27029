import Foundation
import Testing
import RochCore

struct NotificationCatalogueTests {
    @Test func shippedCatalogueValidatesCleanly() {
        #expect(NotificationCatalogue.validate() == [])
    }

    @Test func everyMomentReachesTheRecipientsOfTheDesign() {
        let expected: [NotificationMoment: [RecipientRole]] = [
            .enquiryReceived: [.client, .team], .discussionScheduled: [.client, .coordinator],
            .proposalSent: [.client, .coordinator], .paymentLinkIssued: [.client],
            .paymentReceived: [.client, .team], .bookingConfirmed: [.client, .team],
            .vendorMilestoneUpdated: [.client, .coordinator], .vendorBlocked: [.coordinator, .vendor],
            .paymentDueReminder: [.client, .team], .eventReminder48h: [.client, .coordinator],
            .eventReminder2h: [.client, .coordinator], .eventCompleted: [.client, .team],
            .bookingCancelled: [.client, .team], .portalLinkRequested: [.client], .deliveryFailed: [.team],
            .paymentFailed: [.client], .startTimeMissing: [.coordinator], .eventRescheduled: [.client, .coordinator],
            .vendorUnblocked: [.coordinator], .vendorLinkSent: [.vendor], .vendorPaymentOverdue: [.coordinator],
            .taskAssigned: [.coordinator],
        ]
        for moment in NotificationMoment.allCases {
            #expect(NotificationCatalogue.recipients(of: moment) == expected[moment], "\(moment)")
        }
        #expect(NotificationMoment.allCases.count == 22)
    }

    @Test func everyTemplateRendersWithItsMomentsParametersAndLeavesNoPlaceholder() throws {
        for entry in NotificationCatalogue.entries {
            let keys = NotificationCatalogue.parameters[entry.moment]!
            let values = Dictionary(uniqueKeysWithValues: keys.map { ($0, "<\($0)>") })
            let message = try NotificationCatalogue.render(moment: entry.moment, recipient: entry.recipient, parameters: values)
            #expect(message.whatsAppTemplate == "\(entry.moment.rawValue)_\(entry.recipient.rawValue)")
            #expect(message.whatsAppLanguage == "en")
            #expect(message.whatsAppParameters == entry.whatsApp.bodyParameterKeys.map { "<\($0)>" })
            for text in [message.emailSubject, message.emailText, message.emailHTML] {
                #expect(!text.contains("{{") && !text.contains("}}"))
            }
            #expect(!message.emailHTML.contains("<client_name>"))
        }
    }

    static let booking: [String: String] = [
        "client_name": "Ananya", "event_type": "wedding", "event_date": NotificationFormat.date(CalendarDay("2027-02-14")!),
        "coordinator_name": "Meera", "coordinator_phone": "+91 98765 43210", "portal_link": "https://roch.example/p/abc",
        "admin_link": "https://roch.example/admin/bookings/7",
    ]

    @Test func renderFillsWhatsAppParametersInTemplateOrder() throws {
        let message = try NotificationCatalogue.render(moment: .bookingConfirmed, recipient: .client, parameters: Self.booking)
        #expect(message.whatsAppTemplate == "booking_confirmed_client")
        #expect(message.whatsAppParameters == ["Ananya", "wedding", "Sunday, 14 February 2027", "Meera", "+91 98765 43210",
                                               "https://roch.example/p/abc"])
        #expect(message.emailSubject == "Your wedding on Sunday, 14 February 2027 is confirmed")
        #expect(message.emailText.hasPrefix("Dear Ananya,\n\nWonderful news"))
        #expect(message.emailText.hasSuffix("Warm regards,\nTeam Roch Events"))
        #expect(message.emailHTML.contains("<p>Dear Ananya,</p>"))
    }

    @Test func missingParameterIsNamed() {
        var parameters = Self.booking
        parameters["coordinator_phone"] = nil
        #expect(throws: NotificationRenderError.missingParameter(key: "coordinator_phone", moment: .bookingConfirmed, recipient: .client)) {
            try NotificationCatalogue.render(moment: .bookingConfirmed, recipient: .client, parameters: parameters)
        }
        parameters["coordinator_phone"] = "  "
        #expect(throws: NotificationRenderError.missingParameter(key: "coordinator_phone", moment: .bookingConfirmed, recipient: .client)) {
            try NotificationCatalogue.render(moment: .bookingConfirmed, recipient: .client, parameters: parameters)
        }
        #expect(throws: NotificationRenderError.noTemplate(moment: .paymentLinkIssued, recipient: .vendor)) {
            try NotificationCatalogue.render(moment: .paymentLinkIssued, recipient: .vendor, parameters: [:])
        }
    }

    @Test func htmlEmailEscapesParametersButTextEmailKeepsThem() throws {
        var parameters = Self.booking
        parameters["client_name"] = "<b>Rohan & \"Priya\"</b>"
        let message = try NotificationCatalogue.render(moment: .bookingConfirmed, recipient: .client, parameters: parameters)
        #expect(message.emailHTML.contains("Dear &lt;b&gt;Rohan &amp; &quot;Priya&quot;&lt;/b&gt;,"))
        #expect(!message.emailHTML.contains("<b>"))
        #expect(message.emailText.contains("Dear <b>Rohan & \"Priya\"</b>,"))
        #expect(message.whatsAppParameters.first == "<b>Rohan & \"Priya\"</b>")
    }

    @Test func whatsAppParametersHaveNoNewlinesOrTabs() throws {
        var parameters = Self.booking
        parameters["client_name"] = "Ananya\nand\tKabir"
        parameters["event_type"] = "wedding      reception "
        let message = try NotificationCatalogue.render(moment: .bookingConfirmed, recipient: .client, parameters: parameters)
        #expect(message.whatsAppParameters.prefix(2) == ["Ananya and Kabir", "wedding reception"])
        #expect(message.emailText.hasPrefix("Dear Ananya\nand\tKabir,"))
    }

    @Test func approvalTextNumbersThePlaceholders() {
        let template = NotificationCatalogue.template(for: .paymentLinkIssued, recipient: .client)!.whatsApp
        #expect(template.approvalText == "Hello {{1}}, here is your secure payment link for the {{2}} of {{3}}, due on {{4}}: {{5}}")
    }

    @Test func validationFindsEveryProblemInABrokenCatalogue() {
        let broken = [
            NotificationTemplate(moment: .enquiryReceived, recipient: .client,
                                 whatsApp: WhatsAppTemplate(name: "Bad Name", bodyParameterKeys: ["client_name", "secret"],
                                                            body: "Hi {{client_name}} {{secret}}"),
                                 email: EmailTemplate(subject: "Hi {{nobody}}", text: "Hello {{client_name")),
            NotificationTemplate(moment: .enquiryReceived, recipient: .client,
                                 whatsApp: WhatsAppTemplate(name: "ok", bodyParameterKeys: ["event_date", "client_name"],
                                                            body: "{{client_name}} {{event_date}}"),
                                 email: EmailTemplate(subject: "ok", text: "ok")),
        ]
        let problems = NotificationCatalogue.validate(entries: broken, parameters: NotificationCatalogue.parameters)
        func has(_ fragment: String) -> Bool { problems.contains { $0.contains(fragment) } }
        #expect(has("discussion_scheduled: no messages defined."))
        #expect(has("enquiry_received to client: defined twice."))
        #expect(has("template name 'Bad Name'"))
        #expect(has("WhatsApp parameter 'secret' is not a parameter of enquiry_received"))
        #expect(has("unknown placeholder {{nobody}}"))
        #expect(has("email text: unbalanced {{ }}"))
        #expect(has("differ from its parameter keys [\"event_date\", \"client_name\"]"))
    }

    @Test func messageFormatsUseIndiaTime() {
        #expect(NotificationFormat.date(CalendarDay("2027-02-14")!) == "Sunday, 14 February 2027")
        #expect(NotificationFormat.date(CalendarDay("2026-11-25")!) == "Wednesday, 25 November 2026")
        #expect(NotificationFormat.time(TimeOfDay(hour: 18, minute: 30)!) == "6:30 pm IST")
        #expect(NotificationFormat.time(TimeOfDay(hour: 0, minute: 5)!) == "12:05 am IST")
        #expect(NotificationFormat.time(TimeOfDay(hour: 12, minute: 0)!) == "12:00 noon IST")
        // 13:00 UTC is 18:30 in India.
        let instant = Date(timeIntervalSince1970: TimeInterval(CalendarDay("2027-02-14")!.daysSinceEpoch * 86_400 + 13 * 3_600))
        #expect(NotificationFormat.dateTime(instant) == "Sunday, 14 February 2027 at 6:30 pm IST")
    }
}
